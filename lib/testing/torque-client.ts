// @ts-nocheck — the seed's JavaScript, kept as written (untyped) on purpose.
/**
* The JavaScript client class from the Torque Checkout API seed
* (../shared/seeds/001_2f3e2ee7addff812.txt, "📱 Complete Examples → JavaScript/Node.js"),
* copied verbatim except for the indentation (the seed's text lost it) and the `export`.
* It talks to https://api.torque.fi/v1/…; app/v1/torque-client.test.ts routes those requests
* to our handlers to prove that the seed's own client works against Cartback unchanged.
*/
export class TorqueCheckout {
  constructor(apiKey, businessId) {
    this.apiKey = apiKey;
    this.businessId = businessId;
  }
  async generateCheckoutLink(cart, customerData, options = {}) {
    const response = await fetch(`https://api.torque.fi/v1/checkout/generate-link`, {
      method: 'POST',
      headers: {
        'Authorization': `Bearer ${this.apiKey}`,
        'Content-Type': 'application/json'
      },
      body: JSON.stringify({
        businessId: this.businessId,
        cart,
        customerData,
        options
      })
    });
    if (!response.ok) {
      const error = await response.json();
      throw new Error(error.error || 'Failed to generate checkout link');
    }
    return response.json();
  }
  async getOrderStatus(orderId, includeDetails = false) {
    const params = includeDetails ? '?includeDetails=true' : '';
    const response = await fetch(`https://api.torque.fi/v1/checkout/order-status/${orderId}${params}`, {
      headers: {
        'Authorization': `Bearer ${this.apiKey}`
      }
    });
    if (!response.ok) {
      const error = await response.json();
      throw new Error(error.error || 'Failed to get order status');
    }
    return response.json();
  }
  async listOrders(params = {}) {
    const queryString = new URLSearchParams(params).toString();
    const response = await fetch(`https://api.torque.fi/v1/checkout/orders?${queryString}`, {
      headers: {
        'Authorization': `Bearer ${this.apiKey}`
      }
    });
    if (!response.ok) {
      const error = await response.json();
      throw new Error(error.error || 'Failed to list orders');
    }
    return response.json();
  }
}

