"use client";

import { useRef, useState } from "react";

/**
 * One confirmation at a time for a list: the dialog is mounted only while it asks (so the ids
 * inside ConfirmDialog stay unique on the page), and focus goes back to the button that opened it.
 */
export function useConfirmation<T>() {
  const [target, setTarget] = useState<T | null>(null);
  const trigger = useRef<HTMLElement | null>(null);
  return {
    target,
    ask(value: T, from: HTMLElement) {
      trigger.current = from;
      setTarget(value);
    },
    close() {
      setTarget(null);
      requestAnimationFrame(() => {
        if (trigger.current?.isConnected) trigger.current.focus();
      });
    },
  };
}
