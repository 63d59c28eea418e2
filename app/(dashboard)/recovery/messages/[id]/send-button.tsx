"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button, ConfirmDialog } from "@/components/client-ui";
import { apiFetch } from "@/lib/client/api";
import { suppressionLabel } from "@/lib/recovery/labels";

type SendResult = { status: "sent" | "failed"; error?: string } | { status: "suppressed"; reason: string };

/** "Send now" for an outbox message: asks first, then sends it (suppression is checked again). */
export function SendNowButton({ messageId, to }: { messageId: string; to: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const send = useMutation({
    mutationFn: () => apiFetch<SendResult>(`/api/dashboard/recovery/messages/${encodeURIComponent(messageId)}/send`, { method: "POST", body: {} }),
    onSuccess: (result) => {
      if (result.status === "sent") toast.success("Email sent", { description: `To ${to}` });
      else if (result.status === "suppressed") toast.warning("Not sent", { description: `${suppressionLabel(result.reason)}; the email is now marked suppressed.` });
      else toast.error("The SMTP server refused the email", { description: result.error });
      router.refresh();
    },
    onError: (error) => toast.error(error instanceof Error ? error.message : "Could not send the email"),
    onSettled: () => setOpen(false),
  });
  return (
    <>
      <Button type="button" variant="primary" onClick={() => setOpen(true)}>
        Send now
      </Button>
      <ConfirmDialog open={open} title="Send this email now?" confirmLabel="Send email" busy={send.isPending} onConfirm={() => send.mutate()} onClose={() => setOpen(false)}>
        <p>
          It goes to <span className="font-medium break-all">{to}</span> as shown here. If the customer has paid, ordered or unsubscribed since, it is not sent
          and is marked suppressed instead.
        </p>
      </ConfirmDialog>
    </>
  );
}
