/**
 * Changes the chat page shows live (over Server-Sent Events): new and edited messages, drafts,
 * chat actions, command lists and callback answers. A tiny synchronous fan-out.
 */
import type { DraftState, StoredMessage } from "./types";

export type LiveEvent =
  | { kind: "chat"; chatId: number }
  | { kind: "message"; chatId: number; message: StoredMessage }
  | { kind: "deleted"; chatId: number; messageId: number }
  | { kind: "draft"; chatId: number; draft: DraftState }
  | { kind: "action"; chatId: number; threadId?: number; action: string }
  | { kind: "commands" }
  | { kind: "callback-answer"; chatId: number; text?: string; showAlert: boolean };

export class LiveEvents {
  private readonly subscribers = new Set<(event: LiveEvent) => void>();

  /** Registers a subscriber; returns the function that removes it. */
  subscribe(subscriber: (event: LiveEvent) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  emit(event: LiveEvent): void {
    for (const subscriber of this.subscribers) subscriber(event);
  }
}
