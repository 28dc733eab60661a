/**
 * The bot's own texts (not the model's answers) in the six interface languages, and the command
 * menu registered per language with `setMyCommands`.
 *
 * Every language is a `Record<TextKey, string>`, so a key missing in one language is a compile
 * error rather than an English sentence surprising a German user. Texts are plain text: they are
 * sent with `entities`, never `parse_mode`, so nothing here needs escaping.
 *
 * The privacy, /mydata, /forget and /region texts are short factual placeholders; the compliance
 * texts replace them later (keep the keys and the `{region}` parameter).
 */

/** Languages the bot's interface speaks. The model itself answers in any language. */
export type UiLanguage = "en" | "zh" | "ru" | "es" | "de" | "fr";

export const UI_LANGUAGES: readonly UiLanguage[] = ["en", "zh", "ru", "es", "de", "fr"];

/** Every text the bot sends on its own. `{name}` marks a parameter. */
export type TextKey =
  | "start"
  | "help"
  | "reset-done"
  | "nothing-to-stop"
  | "stopped"
  | "nothing-to-retry"
  | "rate-limited" // {seconds}
  | "model-busy"
  | "origin-unavailable"
  | "generation-failed"
  | "interrupted"
  | "too-long-input" // {max}
  | "unsupported-message"
  | "queued"
  | "thinking-placeholder"
  | "privacy"
  | "forget-confirm"
  | "forget-yes"
  | "forget-no"
  | "forget-done"
  | "forget-cancelled"
  | "mydata-caption"
  | "region-current" // {region}
  | "region-changed" // {region}
  | "region-name-eu"
  | "region-name-global";

/** The bot's commands, in menu order. */
export type CommandName =
  | "reset"
  | "stop"
  | "retry"
  | "privacy"
  | "mydata"
  | "forget"
  | "region"
  | "help";

const COMMAND_ORDER: readonly CommandName[] = [
  "reset",
  "stop",
  "retry",
  "privacy",
  "mydata",
  "forget",
  "region",
  "help",
];

const COMMANDS: Record<UiLanguage, Record<CommandName, string>> = {
  en: {
    reset: "Start a new conversation",
    stop: "Stop the current answer",
    retry: "Answer the last message again",
    privacy: "How your data is handled",
    mydata: "Export your stored data",
    forget: "Delete all your data",
    region: "Show or change your data region",
    help: "List the commands",
  },
  zh: {
    reset: "开始新的对话",
    stop: "停止当前回答",
    retry: "重新回答上一条消息",
    privacy: "了解你的数据如何被处理",
    mydata: "导出已保存的数据",
    forget: "删除你的所有数据",
    region: "查看或更改数据存储区域",
    help: "显示命令列表",
  },
  ru: {
    reset: "Начать новый разговор",
    stop: "Остановить текущий ответ",
    retry: "Ответить на последнее сообщение заново",
    privacy: "Как обрабатываются ваши данные",
    mydata: "Выгрузить сохранённые данные",
    forget: "Удалить все ваши данные",
    region: "Показать или сменить регион данных",
    help: "Список команд",
  },
  es: {
    reset: "Empezar una conversación nueva",
    stop: "Detener la respuesta en curso",
    retry: "Volver a responder el último mensaje",
    privacy: "Cómo se tratan tus datos",
    mydata: "Exportar tus datos guardados",
    forget: "Borrar todos tus datos",
    region: "Ver o cambiar la región de tus datos",
    help: "Ver la lista de comandos",
  },
  de: {
    reset: "Neues Gespräch beginnen",
    stop: "Aktuelle Antwort abbrechen",
    retry: "Letzte Nachricht neu beantworten",
    privacy: "So gehen wir mit deinen Daten um",
    mydata: "Gespeicherte Daten exportieren",
    forget: "Alle deine Daten löschen",
    region: "Datenregion anzeigen oder ändern",
    help: "Befehlsliste anzeigen",
  },
  fr: {
    reset: "Commencer une nouvelle conversation",
    stop: "Arrêter la réponse en cours",
    retry: "Répondre à nouveau au dernier message",
    privacy: "Comment vos données sont traitées",
    mydata: "Exporter vos données enregistrées",
    forget: "Supprimer toutes vos données",
    region: "Voir ou changer la région de vos données",
    help: "Afficher la liste des commandes",
  },
};

/** The /help text: an intro line, then one line per command, built from the menu itself. */
function helpText(lang: UiLanguage, intro: string): string {
  const lines = COMMAND_ORDER.map((c) => `/${c} — ${COMMANDS[lang][c]}`);
  return [intro, "", ...lines].join("\n");
}

const en: Record<TextKey, string> = {
  start:
    "Hi! I'm a chat bot running gpt-oss-20b, an open-weight language model. Just send me a message and I'll answer. I remember the last few exchanges of our conversation; /reset starts over. Send /help to see all commands.",
  help: helpText("en", "Here's what I understand:"),
  "reset-done": "Done, I've forgotten our conversation. Let's start fresh.",
  "nothing-to-stop": "There's no answer in progress to stop.",
  stopped: "Stopped.",
  "nothing-to-retry": "There's nothing to retry yet. Send me a message first.",
  "rate-limited": "You're sending messages a bit fast. Please try again in {seconds} s.",
  "model-busy": "The model is busy right now. Please try again in a minute.",
  "origin-unavailable": "The bot is temporarily unavailable. Please try again in a minute.",
  "generation-failed":
    "Sorry, something went wrong while writing the answer. Send /retry to try again.",
  interrupted: "The answer was interrupted. Send /retry to try again.",
  "too-long-input": "That message is too long for me. Please keep it under {max} characters.",
  "unsupported-message": "For now I can only read text messages.",
  queued: "Got it. I'll answer as soon as I've finished the previous reply.",
  "thinking-placeholder": "…",
  privacy:
    "Your messages and my answers are stored so I can follow the conversation, and the language model processes them to write answers. /mydata sends you a copy of what is stored; /forget deletes it.",
  "forget-confirm":
    "This deletes our whole conversation and everything stored about this chat. It can't be undone. Delete everything?",
  "forget-yes": "Yes, delete",
  "forget-no": "Cancel",
  "forget-done": "Done. Everything stored about this chat has been deleted.",
  "forget-cancelled": "Okay, nothing was deleted.",
  "mydata-caption": "Here is everything stored about this chat.",
  "region-current":
    "This chat's data region: {region}. Change it with /region eu or /region global.",
  "region-changed": "Done. This chat's data region is now {region}.",
  "region-name-eu": "EU",
  "region-name-global": "global",
};

const zh: Record<TextKey, string> = {
  start:
    "你好！我是一个聊天机器人，由开放权重语言模型 gpt-oss-20b 驱动。直接给我发消息，我就会回答。我会记住我们最近几轮对话；发送 /reset 可以重新开始。发送 /help 查看所有命令。",
  help: helpText("zh", "我能理解以下命令："),
  "reset-done": "好的，我已经忘掉之前的对话了。我们重新开始吧。",
  "nothing-to-stop": "当前没有正在生成的回答。",
  stopped: "已停止。",
  "nothing-to-retry": "还没有可以重试的内容，请先给我发一条消息。",
  "rate-limited": "你发消息有点快了，请 {seconds} 秒后再试。",
  "model-busy": "模型现在很忙，请一分钟后再试。",
  "origin-unavailable": "服务暂时不可用，请一分钟后再试。",
  "generation-failed": "抱歉，生成回答时出了点问题。发送 /retry 重试。",
  interrupted: "回答被中断了。发送 /retry 重试。",
  "too-long-input": "这条消息太长了，请控制在 {max} 个字符以内。",
  "unsupported-message": "目前我只能读取文字消息。",
  queued: "收到，等我回答完上一条就回复你。",
  "thinking-placeholder": "…",
  privacy:
    "为了能接着对话，你的消息和我的回答会被保存，并交由语言模型处理以生成回答。发送 /mydata 可获取已保存数据的副本，发送 /forget 可将其删除。",
  "forget-confirm":
    "这将删除我们的全部对话以及与此聊天相关的所有数据，且无法恢复。确定要全部删除吗？",
  "forget-yes": "是的，删除",
  "forget-no": "取消",
  "forget-done": "已完成，与此聊天相关的所有数据都已删除。",
  "forget-cancelled": "好的，没有删除任何内容。",
  "mydata-caption": "这是与此聊天相关的全部已保存数据。",
  "region-current": "此聊天的数据区域：{region}。可发送 /region eu 或 /region global 进行更改。",
  "region-changed": "已完成，此聊天的数据区域现在是：{region}。",
  "region-name-eu": "欧盟",
  "region-name-global": "全球",
};

const ru: Record<TextKey, string> = {
  start:
    "Привет! Я чат-бот на основе открытой языковой модели gpt-oss-20b. Просто напишите мне, и я отвечу. Я помню несколько последних реплик нашего разговора; /reset начинает всё заново. Все команды — в /help.",
  help: helpText("ru", "Вот что я умею:"),
  "reset-done": "Готово, я забыл наш разговор. Начнём сначала.",
  "nothing-to-stop": "Сейчас нечего останавливать: ответ не пишется.",
  stopped: "Остановлено.",
  "nothing-to-retry": "Пока нечего повторять. Сначала напишите мне что-нибудь.",
  "rate-limited": "Вы пишете слишком быстро. Попробуйте ещё раз через {seconds} с.",
  "model-busy": "Модель сейчас перегружена. Попробуйте ещё раз через минуту.",
  "origin-unavailable": "Бот временно недоступен. Попробуйте ещё раз через минуту.",
  "generation-failed":
    "Извините, при подготовке ответа что-то пошло не так. Отправьте /retry, чтобы попробовать ещё раз.",
  interrupted: "Ответ прервался. Отправьте /retry, чтобы попробовать ещё раз.",
  "too-long-input": "Сообщение слишком длинное. Пожалуйста, уложитесь в {max} символов.",
  "unsupported-message": "Пока я понимаю только текстовые сообщения.",
  queued: "Принято. Отвечу, как только закончу предыдущий ответ.",
  "thinking-placeholder": "…",
  privacy:
    "Ваши сообщения и мои ответы сохраняются, чтобы я мог продолжать разговор, и обрабатываются языковой моделью для подготовки ответов. /mydata пришлёт копию сохранённых данных, /forget удалит их.",
  "forget-confirm":
    "Это удалит весь наш разговор и все данные, сохранённые для этого чата. Отменить удаление будет нельзя. Удалить всё?",
  "forget-yes": "Да, удалить",
  "forget-no": "Отмена",
  "forget-done": "Готово. Все данные этого чата удалены.",
  "forget-cancelled": "Хорошо, ничего не удалено.",
  "mydata-caption": "Вот все данные, сохранённые для этого чата.",
  "region-current":
    "Регион хранения данных этого чата: {region}. Сменить его можно командой /region eu или /region global.",
  "region-changed": "Готово. Теперь регион данных этого чата: {region}.",
  "region-name-eu": "ЕС",
  "region-name-global": "глобальный",
};

const es: Record<TextKey, string> = {
  start:
    "¡Hola! Soy un bot de chat que funciona con gpt-oss-20b, un modelo de lenguaje de pesos abiertos. Escríbeme y te respondo. Recuerdo los últimos intercambios de nuestra conversación; con /reset empezamos de cero. Envía /help para ver todos los comandos.",
  help: helpText("es", "Esto es lo que entiendo:"),
  "reset-done": "Listo, he olvidado nuestra conversación. Empecemos de nuevo.",
  "nothing-to-stop": "No hay ninguna respuesta en curso que detener.",
  stopped: "Detenido.",
  "nothing-to-retry": "Todavía no hay nada que reintentar. Primero envíame un mensaje.",
  "rate-limited": "Vas un poco rápido. Vuelve a intentarlo en {seconds} s.",
  "model-busy": "El modelo está ocupado ahora mismo. Vuelve a intentarlo en un minuto.",
  "origin-unavailable":
    "El bot no está disponible temporalmente. Vuelve a intentarlo en un minuto.",
  "generation-failed":
    "Lo siento, algo salió mal al escribir la respuesta. Envía /retry para intentarlo de nuevo.",
  interrupted: "La respuesta se interrumpió. Envía /retry para intentarlo de nuevo.",
  "too-long-input": "Ese mensaje es demasiado largo. Intenta que no pase de {max} caracteres.",
  "unsupported-message": "Por ahora solo puedo leer mensajes de texto.",
  queued: "Recibido. Te respondo en cuanto termine la respuesta anterior.",
  "thinking-placeholder": "…",
  privacy:
    "Tus mensajes y mis respuestas se guardan para poder seguir la conversación, y el modelo de lenguaje los procesa para escribir las respuestas. /mydata te envía una copia de lo guardado; /forget lo borra.",
  "forget-confirm":
    "Esto borrará toda nuestra conversación y todo lo guardado sobre este chat. No se puede deshacer. ¿Lo borro todo?",
  "forget-yes": "Sí, borrar",
  "forget-no": "Cancelar",
  "forget-done": "Hecho. Se ha borrado todo lo guardado sobre este chat.",
  "forget-cancelled": "De acuerdo, no se ha borrado nada.",
  "mydata-caption": "Aquí tienes todo lo guardado sobre este chat.",
  "region-current":
    "Región de datos de este chat: {region}. Puedes cambiarla con /region eu o /region global.",
  "region-changed": "Hecho. La región de datos de este chat ahora es: {region}.",
  "region-name-eu": "UE",
  "region-name-global": "global",
};

const de: Record<TextKey, string> = {
  start:
    "Hallo! Ich bin ein Chatbot mit gpt-oss-20b, einem Sprachmodell mit offenen Gewichten. Schreib mir einfach, und ich antworte dir. Ich merke mir die letzten paar Nachrichten unseres Gesprächs; mit /reset fangen wir neu an. Alle Befehle findest du unter /help.",
  help: helpText("de", "Diese Befehle verstehe ich:"),
  "reset-done": "Erledigt, ich habe unser Gespräch vergessen. Fangen wir neu an.",
  "nothing-to-stop": "Gerade läuft keine Antwort, die ich abbrechen könnte.",
  stopped: "Abgebrochen.",
  "nothing-to-retry": "Es gibt noch nichts zu wiederholen. Schick mir zuerst eine Nachricht.",
  "rate-limited": "Du schreibst etwas zu schnell. Versuch es in {seconds} s noch einmal.",
  "model-busy": "Das Modell ist gerade ausgelastet. Versuch es in einer Minute noch einmal.",
  "origin-unavailable":
    "Der Bot ist vorübergehend nicht erreichbar. Versuch es in einer Minute noch einmal.",
  "generation-failed":
    "Entschuldige, beim Schreiben der Antwort ist etwas schiefgegangen. Schick /retry, dann versuche ich es noch einmal.",
  interrupted: "Die Antwort wurde unterbrochen. Schick /retry, dann versuche ich es noch einmal.",
  "too-long-input": "Diese Nachricht ist mir zu lang. Bitte bleib unter {max} Zeichen.",
  "unsupported-message": "Im Moment kann ich nur Textnachrichten lesen.",
  queued: "Alles klar, ich antworte, sobald die vorige Antwort fertig ist.",
  "thinking-placeholder": "…",
  privacy:
    "Deine Nachrichten und meine Antworten werden gespeichert, damit ich dem Gespräch folgen kann, und vom Sprachmodell verarbeitet, um Antworten zu schreiben. /mydata schickt dir eine Kopie der gespeicherten Daten, /forget löscht sie.",
  "forget-confirm":
    "Damit werden unser ganzes Gespräch und alle zu diesem Chat gespeicherten Daten gelöscht. Das lässt sich nicht rückgängig machen. Alles löschen?",
  "forget-yes": "Ja, löschen",
  "forget-no": "Abbrechen",
  "forget-done": "Erledigt. Alle zu diesem Chat gespeicherten Daten wurden gelöscht.",
  "forget-cancelled": "Okay, es wurde nichts gelöscht.",
  "mydata-caption": "Hier sind alle zu diesem Chat gespeicherten Daten.",
  "region-current":
    "Datenregion dieses Chats: {region}. Ändern kannst du sie mit /region eu oder /region global.",
  "region-changed": "Erledigt. Die Datenregion dieses Chats ist jetzt: {region}.",
  "region-name-eu": "EU",
  "region-name-global": "global",
};

const fr: Record<TextKey, string> = {
  start:
    "Bonjour ! Je suis un bot de discussion qui fonctionne avec gpt-oss-20b, un modèle de langage à poids ouverts. Envoyez-moi simplement un message et je vous répondrai. Je me souviens des derniers échanges de notre conversation ; /reset permet de repartir de zéro. Envoyez /help pour voir toutes les commandes.",
  help: helpText("fr", "Voici les commandes que je comprends :"),
  "reset-done": "C'est fait, j'ai oublié notre conversation. On repart de zéro.",
  "nothing-to-stop": "Aucune réponse n'est en cours, il n'y a rien à arrêter.",
  stopped: "Arrêté.",
  "nothing-to-retry": "Il n'y a encore rien à relancer. Envoyez-moi d'abord un message.",
  "rate-limited": "Vous écrivez un peu vite. Réessayez dans {seconds} s.",
  "model-busy": "Le modèle est très sollicité en ce moment. Réessayez dans une minute.",
  "origin-unavailable": "Le bot est momentanément indisponible. Réessayez dans une minute.",
  "generation-failed":
    "Désolé, un problème est survenu pendant la rédaction de la réponse. Envoyez /retry pour réessayer.",
  interrupted: "La réponse a été interrompue. Envoyez /retry pour réessayer.",
  "too-long-input": "Ce message est trop long pour moi. Merci de ne pas dépasser {max} caractères.",
  "unsupported-message": "Pour l'instant, je ne sais lire que les messages texte.",
  queued: "Bien reçu. Je vous réponds dès que j'ai terminé la réponse précédente.",
  "thinking-placeholder": "…",
  privacy:
    "Vos messages et mes réponses sont enregistrés pour que je puisse suivre la conversation, et traités par le modèle de langage pour rédiger les réponses. /mydata vous envoie une copie des données enregistrées, /forget les supprime.",
  "forget-confirm":
    "Cela supprimera toute notre conversation et toutes les données enregistrées pour ce chat. Cette action est irréversible. Tout supprimer ?",
  "forget-yes": "Oui, supprimer",
  "forget-no": "Annuler",
  "forget-done": "C'est fait. Toutes les données enregistrées pour ce chat ont été supprimées.",
  "forget-cancelled": "D'accord, rien n'a été supprimé.",
  "mydata-caption": "Voici toutes les données enregistrées pour ce chat.",
  "region-current":
    "Région des données de ce chat : {region}. Pour la changer : /region eu ou /region global.",
  "region-changed": "C'est fait. La région des données de ce chat est désormais : {region}.",
  "region-name-eu": "UE",
  "region-name-global": "mondiale",
};

const TEXTS: Record<UiLanguage, Record<TextKey, string>> = { en, zh, ru, es, de, fr };

/**
 * The text `key` in `lang`, with `{name}` placeholders replaced from `params`.
 * A placeholder without a matching parameter is left as is, so a forgotten parameter shows up
 * in tests instead of silently vanishing.
 */
export function t(
  lang: UiLanguage,
  key: TextKey,
  params?: Readonly<Record<string, string | number>>,
): string {
  const template = TEXTS[lang][key];
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Narrows any string to a {@link UiLanguage}. */
export function isUiLanguage(value: string): value is UiLanguage {
  return (UI_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The interface language for a language code or tag (`"de"`, `"de-AT"`, `"zh-hans"`, `"pt_BR"`),
 * or undefined when the interface does not speak it. Traditional Chinese tags get the simplified
 * texts (still readable; better than English). Ukrainian and Belarusian never fall back to
 * Russian: they get English unless another hint says otherwise.
 */
export function toUiLanguage(code: string | undefined): UiLanguage | undefined {
  if (code === undefined) return undefined;
  const primary = code.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return isUiLanguage(primary) ? primary : undefined;
}

/** One entry of Telegram's `setMyCommands`. */
export interface BotCommand {
  command: CommandName;
  description: string;
}

/** The command menu for `setMyCommands` with `language_code: lang` (English is the default). */
export function commandMenu(lang: UiLanguage): BotCommand[] {
  return COMMAND_ORDER.map((command) => ({ command, description: COMMANDS[lang][command] }));
}
