/** What the generated shops sell and who buys it: fixed lists, picked from by SQL. */

/** [name, price in USD cents]; EUR uses the same figures, GBP and JPY are derived below. */
const PRODUCTS: [string, number][] = [
  ["Merino crew sweater", 8900],
  ["Organic cotton tee", 2900],
  ["Slim chinos", 6900],
  ["Rain shell jacket", 14900],
  ["Leather card wallet", 3900],
  ["Canvas tote bag", 2400],
  ["Trail running shoes", 12900],
  ["Wool beanie", 1900],
  ["Ceramic pour-over set", 4900],
  ["Stoneware mug", 1800],
  ["Cast iron skillet", 5900],
  ["Linen napkins (set of 4)", 3200],
  ["Wireless earbuds", 9900],
  ["USB-C charging cable", 1499],
  ["Phone case", 2999],
  ["Desk lamp", 7900],
  ["Notebook, dotted", 1599],
  ["Fountain pen", 4500],
  ["Yoga mat", 5900],
  ["Water bottle", 2800],
  ["Sunglasses", 11900],
  ["Scented candle", 2200],
  ["Face serum", 3600],
  ["Gift card", 5000],
];

export const PRODUCT_NAMES = PRODUCTS.map(([name]) => name);
export const PRODUCT_SKUS = PRODUCTS.map((_, i) => `sku-${String(i + 1).padStart(4, "0")}`);

/** Unit prices in minor units, per currency, in catalogue order. */
export const PRICES: Record<string, number[]> = {
  USD: PRODUCTS.map(([, usd]) => usd),
  EUR: PRODUCTS.map(([, usd]) => usd),
  GBP: PRODUCTS.map(([, usd]) => Math.max(99, Math.floor((usd * 0.8) / 100) * 100 + 99)),
  JPY: PRODUCTS.map(([, usd]) => Math.round((usd * 1.5) / 10) * 10),
};

/** Cumulative shares: USD mostly, then EUR, GBP and JPY. */
export const CURRENCY_MIX: [string, number][] = [
  ["USD", 0.7],
  ["EUR", 0.85],
  ["GBP", 0.95],
  ["JPY", 1],
];

export const FIRST_NAMES = [
  "Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro", "Isabel", "Jonas", "Kemi", "Liam", "Maya", "Noah",
  "Olivia", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Victor", "Wen", "Yusuf", "Zoe", "Amir", "Bea", "Carlos",
  "Dana", "Emil", "Fatima", "Gus",
];

export const LAST_NAMES = [
  "Lopez", "Smith", "Martin", "Nguyen", "Garcia", "Müller", "Rossi", "Tanaka", "Kowalski", "Silva", "Okafor", "Dubois",
  "Jensen", "Khan", "Novak", "Ivanova", "Brown", "Costa", "Haddad", "Schmidt", "Park", "Moreau", "Andersen", "Reyes",
  "Fischer", "Patel", "Bianchi", "Larsen", "Cohen", "Murphy", "Sato",
];

export const EMAIL_DOMAINS = ["example.com", "mail.example.net", "example.org", "shopper.example", "inbox.example.co.uk"];
