import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth-card";
import { staffFromHeaders } from "@/lib/auth/staff";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function LoginPage() {
  if (await staffFromHeaders(await headers())) redirect("/");
  return (
    <AuthCard title="Sign in" subtitle="Recover abandoned carts for your shop.">
      <LoginForm />
    </AuthCard>
  );
}
