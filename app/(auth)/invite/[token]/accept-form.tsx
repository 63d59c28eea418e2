"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/client-ui";
import { Field, inputClass } from "@/components/ui";
import { apiFetch, RequestError } from "@/lib/client/api";

const MIN_PASSWORD = 10;

/**
 * Accepts the invitation (creating the account, or proving the existing one), then signs in and
 * opens the business the person was invited to.
 */
export function AcceptForm({ token, email, hasAccount, businessId }: { token: string; email: string; hasAccount: boolean; businessId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string }>();

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!hasAccount && !name) return setError({ message: "Enter your name.", field: "name" });
    if (!hasAccount && password.length < MIN_PASSWORD) {
      return setError({ message: `Choose a password of at least ${MIN_PASSWORD} characters.`, field: "password" });
    }
    if (!password) return setError({ message: "Enter your password.", field: "password" });

    setBusy(true);
    setError(undefined);
    try {
      await apiFetch("/api/invitations/accept", { body: hasAccount ? { token, password } : { token, name, password } });
    } catch (err) {
      setBusy(false);
      return setError(acceptError(err, hasAccount));
    }

    const res = await fetch("/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) {
      // Joined, but the sign-in did not go through (e.g. rate limited): sign in by hand.
      router.push("/login");
      return;
    }
    document.cookie = `cartback.business=${encodeURIComponent(businessId)}; path=/; samesite=lax; max-age=31536000`;
    router.push("/");
    router.refresh();
  }

  const invalid = (field: string) => (error?.field === field ? { "aria-invalid": true, "aria-describedby": "accept-error" } : {});

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <Field label="Email" htmlFor="email">
        <input id="email" name="email" type="email" autoComplete="username" value={email} readOnly className={inputClass + " bg-slate-50 text-slate-600 dark:bg-slate-900 dark:text-slate-300"} />
      </Field>
      {!hasAccount && (
        <Field label="Your name" htmlFor="name">
          <input id="name" name="name" autoComplete="name" required maxLength={200} className={inputClass} {...invalid("name")} />
        </Field>
      )}
      <Field
        label={hasAccount ? "Password" : "Choose a password"}
        htmlFor="password"
        hint={hasAccount ? undefined : `At least ${MIN_PASSWORD} characters.`}
      >
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={hasAccount ? "current-password" : "new-password"}
          required
          minLength={hasAccount ? undefined : MIN_PASSWORD}
          maxLength={200}
          className={inputClass}
          {...invalid("password")}
        />
      </Field>
      {error && (
        <p id="accept-error" role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error.message}
        </p>
      )}
      <Button type="submit" variant="primary" busy={busy} className="w-full">
        {hasAccount ? "Sign in to accept" : "Create account and join"}
      </Button>
    </form>
  );
}

function acceptError(err: unknown, hasAccount: boolean): { message: string; field?: string } {
  if (!(err instanceof RequestError)) return { message: "Could not reach Cartback. Check your connection and try again." };
  if (err.status === 404 || err.status === 409) return { message: "This invitation is no longer valid. Ask for a new link." };
  if (err.field === "password" && hasAccount) return { message: "That password does not match your account.", field: "password" };
  return { message: err.message.replace(/^\w+: /, (m) => m[0]!.toUpperCase() + m.slice(1)), field: err.field };
}
