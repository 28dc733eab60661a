/**
 * Telegram's per-group budget (20 messages a minute), kept in the chat's SQLite meta so that
 * consecutive answers in one group share it. A thin stateful shell around the pure functions in
 * worker/chat/rate-limit.ts.
 */
import type { SendBudget } from "../worker/telegram/answer-stream";
import { TELEGRAM_GROUP_BUDGET, TelegramSendBudget } from "../worker/chat/rate-limit";
import type { SendBudgetState } from "../worker/chat/rate-limit";
import type { ChatStore } from "./chat-store";

const KEY = "group_send_budget";

export class GroupSendBudget implements SendBudget {
  constructor(
    private readonly store: ChatStore,
    private readonly policy = TELEGRAM_GROUP_BUDGET,
  ) {}

  private get state(): SendBudgetState {
    return this.store.getMeta<SendBudgetState>(KEY) ?? TelegramSendBudget.empty();
  }

  tryTake(nowMs: number, reserve: number): boolean {
    const state = this.state;
    if (!TelegramSendBudget.canSend(state, nowMs, { ...this.policy, reserve })) return false;
    this.store.setMeta(KEY, TelegramSendBudget.recordSend(state, nowMs, this.policy));
    return true;
  }

  waitMs(nowMs: number): number {
    return Math.max(0, TelegramSendBudget.nextSlotMs(this.state, nowMs, { ...this.policy, reserve: 0 }) - nowMs);
  }
}
