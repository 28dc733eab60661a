/**
 * The bot's own texts (not the model's answers) in the six interface languages, and the command
 * menu registered per language with `setMyCommands`.
 *
 * Every language is a `Record<TextKey, string>`, so a key missing in one language is a compile
 * error rather than an English sentence surprising a German user. Texts are plain text: they are
 * sent with `entities`, never `parse_mode`, so nothing here needs escaping.
 *
 * The privacy texts say what is kept, where and for how long (docs/compliance.md has the same
 * facts for staff); the retention and the text policy come in as parameters from the config.
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
  | "privacy" // {region} {regionDetails} {days} {auditText}
  | "forget-confirm"
  | "forget-yes"
  | "forget-no"
  | "forget-done"
  | "forget-cancelled"
  | "mydata-caption"
  | "region-current" // {region}
  | "region-changed" // {region}
  | "region-name-eu"
  | "region-name-global"
  | "privacy-region-eu"
  | "privacy-region-global"
  | "privacy-audit-no-text"
  | "privacy-audit-with-text"
  | "forget-expired"
  | "region-global-confirm"
  | "region-global-yes"
  | "region-unchanged" // {region}
  | "region-already" // {region}
  | "moderation-input-refused"
  | "moderation-output-withheld";

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
    "What I keep about this chat:\n• our conversation (your messages and my answers), so I can follow it, until you send /reset or /forget;\n• messages from the last 2 days in a delivery queue, so a message delivered twice is answered once;\n• settings (language, data region, rate limit), until you send /forget;\n• an audit log of each request (time, chat and user id, outcome, timings, token counts; {auditText}), deleted automatically after {days} days.\n\nData region of this chat: {region}. {regionDetails}\n\n/mydata sends you a copy of what is stored, /forget deletes it, /region shows or changes the region.",
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
  "privacy-region-eu": "Your messages are processed only in the EU (by our model server in Frankfurt), and everything is stored in the EU.",
  "privacy-region-global": "The conversation is stored in the EU; your messages may be processed by servers outside the EU, and the audit log may be kept outside the EU.",
  "privacy-audit-no-text": "no message text",
  "privacy-audit-with-text": "including the message text",
  "forget-expired": "This confirmation is no longer valid. Send /forget again if you want to delete everything.",
  "region-global-confirm": "Switching this chat to the global region first deletes our conversation, because it was kept under EU rules. After that, your messages may be processed outside the EU. Switch and delete the conversation?",
  "region-global-yes": "Yes, switch",
  "region-unchanged": "Okay, this chat's data region stays {region}.",
  "region-already": "This chat's data region is already {region}.",
  "moderation-input-refused": "Sorry, I can't help with that message. Please rephrase it.",
  "moderation-output-withheld": "I wrote an answer but held it back because it may be harmful. Please try asking in a different way.",
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
    "关于此聊天，我会保存以下内容：\n• 我们的对话（你的消息和我的回答），以便我接着对话，直到你发送 /reset 或 /forget；\n• 最近 2 天内的消息会留在投递队列中，确保重复投递的消息只回答一次；\n• 设置（语言、数据区域、频率限制），直到你发送 /forget；\n• 每次请求的审计日志（时间、聊天和用户 ID、结果、耗时、token 数；{auditText}），{days} 天后自动删除。\n\n此聊天的数据区域：{region}。{regionDetails}\n\n/mydata 发送已保存数据的副本，/forget 删除这些数据，/region 查看或更改数据区域。",
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
  "privacy-region-eu": "你的消息只在欧盟境内处理（由我们位于法兰克福的模型服务器处理），所有数据都存储在欧盟境内。",
  "privacy-region-global": "对话存储在欧盟境内；你的消息可能由欧盟以外的服务器处理，审计日志也可能保存在欧盟以外。",
  "privacy-audit-no-text": "不含消息内容",
  "privacy-audit-with-text": "包含消息内容",
  "forget-expired": "此确认已失效。如果你想删除全部数据，请重新发送 /forget。",
  "region-global-confirm": "将此聊天切换到全球区域前，会先删除我们的对话，因为它是按欧盟规则保存的。切换后，你的消息可能在欧盟以外处理。确定切换并删除对话吗？",
  "region-global-yes": "是的，切换",
  "region-unchanged": "好的，此聊天的数据区域仍为：{region}。",
  "region-already": "此聊天的数据区域已经是：{region}。",
  "moderation-input-refused": "抱歉，这条消息我无法处理。请换一种说法。",
  "moderation-output-withheld": "我写好了回答，但因为它可能有害而没有发送。请换一种方式提问。",
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
    "Что я храню об этом чате:\n• наш разговор (ваши сообщения и мои ответы), чтобы продолжать его, — пока вы не отправите /reset или /forget;\n• сообщения за последние 2 дня в очереди доставки, чтобы на повторно доставленное сообщение ответить один раз;\n• настройки (язык, регион данных, ограничение частоты) — пока вы не отправите /forget;\n• журнал аудита каждого запроса (время, ID чата и пользователя, результат, время обработки, число токенов; {auditText}) — он удаляется автоматически через {days} дн.\n\nРегион данных этого чата: {region}. {regionDetails}\n\n/mydata пришлёт копию сохранённых данных, /forget удалит их, /region покажет или сменит регион.",
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
  "privacy-region-eu": "Ваши сообщения обрабатываются только в ЕС (нашим сервером модели во Франкфурте), и всё хранится в ЕС.",
  "privacy-region-global": "Разговор хранится в ЕС; ваши сообщения могут обрабатываться серверами за пределами ЕС, а журнал аудита может храниться за пределами ЕС.",
  "privacy-audit-no-text": "без текста сообщений",
  "privacy-audit-with-text": "включая текст сообщений",
  "forget-expired": "Это подтверждение больше не действует. Отправьте /forget ещё раз, если хотите всё удалить.",
  "region-global-confirm": "Перед переключением этого чата на глобальный регион наш разговор будет удалён, потому что он хранился по правилам ЕС. После этого ваши сообщения могут обрабатываться за пределами ЕС. Переключить и удалить разговор?",
  "region-global-yes": "Да, переключить",
  "region-unchanged": "Хорошо, регион данных этого чата остаётся прежним: {region}.",
  "region-already": "Регион данных этого чата уже: {region}.",
  "moderation-input-refused": "Извините, с этим сообщением я помочь не могу. Пожалуйста, сформулируйте его иначе.",
  "moderation-output-withheld": "Я подготовил ответ, но не стал его отправлять, потому что он может быть вредным. Попробуйте спросить по-другому.",
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
    "Lo que guardo de este chat:\n• nuestra conversación (tus mensajes y mis respuestas), para poder seguirla, hasta que envíes /reset o /forget;\n• los mensajes de los últimos 2 días en una cola de entrega, para responder una sola vez a un mensaje entregado dos veces;\n• la configuración (idioma, región de datos, límite de mensajes), hasta que envíes /forget;\n• un registro de auditoría de cada petición (hora, ID del chat y del usuario, resultado, tiempos, número de tokens; {auditText}), que se borra automáticamente a los {days} días.\n\nRegión de datos de este chat: {region}. {regionDetails}\n\n/mydata te envía una copia de lo guardado, /forget lo borra y /region muestra o cambia la región.",
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
  "privacy-region-eu": "Tus mensajes se procesan solo en la UE (en nuestro servidor del modelo en Fráncfort) y todo se guarda en la UE.",
  "privacy-region-global": "La conversación se guarda en la UE; tus mensajes pueden procesarse en servidores fuera de la UE y el registro de auditoría puede guardarse fuera de la UE.",
  "privacy-audit-no-text": "sin el texto de los mensajes",
  "privacy-audit-with-text": "incluido el texto de los mensajes",
  "forget-expired": "Esta confirmación ya no es válida. Envía /forget de nuevo si quieres borrarlo todo.",
  "region-global-confirm": "Para pasar este chat a la región global, antes se borra nuestra conversación, porque se guardó con las reglas de la UE. Después, tus mensajes podrán procesarse fuera de la UE. ¿Cambio la región y borro la conversación?",
  "region-global-yes": "Sí, cambiar",
  "region-unchanged": "De acuerdo, la región de datos de este chat sigue siendo: {region}.",
  "region-already": "La región de datos de este chat ya es: {region}.",
  "moderation-input-refused": "Lo siento, no puedo ayudarte con ese mensaje. Por favor, formúlalo de otra manera.",
  "moderation-output-withheld": "Escribí una respuesta, pero no la envío porque podría ser dañina. Prueba a preguntar de otra manera.",
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
    "Das speichere ich zu diesem Chat:\n• unser Gespräch (deine Nachrichten und meine Antworten), damit ich ihm folgen kann, bis du /reset oder /forget sendest;\n• Nachrichten der letzten 2 Tage in einer Zustellwarteschlange, damit eine doppelt zugestellte Nachricht nur einmal beantwortet wird;\n• Einstellungen (Sprache, Datenregion, Nachrichtenlimit), bis du /forget sendest;\n• ein Audit-Protokoll jeder Anfrage (Zeit, Chat- und Nutzer-ID, Ergebnis, Laufzeiten, Tokenzahlen; {auditText}), das nach {days} Tagen automatisch gelöscht wird.\n\nDatenregion dieses Chats: {region}. {regionDetails}\n\n/mydata schickt dir eine Kopie der gespeicherten Daten, /forget löscht sie, /region zeigt oder ändert die Region.",
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
  "privacy-region-eu": "Deine Nachrichten werden nur in der EU verarbeitet (von unserem Modellserver in Frankfurt), und alles wird in der EU gespeichert.",
  "privacy-region-global": "Das Gespräch wird in der EU gespeichert; deine Nachrichten können von Servern außerhalb der EU verarbeitet werden, und das Audit-Protokoll kann außerhalb der EU liegen.",
  "privacy-audit-no-text": "ohne Nachrichtentext",
  "privacy-audit-with-text": "einschließlich des Nachrichtentexts",
  "forget-expired": "Diese Bestätigung gilt nicht mehr. Sende /forget noch einmal, wenn du alles löschen möchtest.",
  "region-global-confirm": "Bevor dieser Chat in die globale Region wechselt, wird unser Gespräch gelöscht, weil es nach EU-Regeln gespeichert wurde. Danach können deine Nachrichten außerhalb der EU verarbeitet werden. Wechseln und das Gespräch löschen?",
  "region-global-yes": "Ja, wechseln",
  "region-unchanged": "Okay, die Datenregion dieses Chats bleibt: {region}.",
  "region-already": "Die Datenregion dieses Chats ist bereits: {region}.",
  "moderation-input-refused": "Tut mir leid, bei dieser Nachricht kann ich nicht helfen. Bitte formuliere sie anders.",
  "moderation-output-withheld": "Ich habe eine Antwort geschrieben, sie aber zurückgehalten, weil sie schädlich sein könnte. Versuch es bitte mit einer anders formulierten Frage.",
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
    "Ce que je conserve sur ce chat :\n• notre conversation (vos messages et mes réponses), pour pouvoir la suivre, jusqu'à ce que vous envoyiez /reset ou /forget ;\n• les messages des 2 derniers jours dans une file de distribution, pour ne répondre qu'une fois à un message distribué deux fois ;\n• les paramètres (langue, région des données, limite de messages), jusqu'à ce que vous envoyiez /forget ;\n• un journal d'audit de chaque requête (heure, identifiants du chat et de l'utilisateur, résultat, durées, nombre de jetons ; {auditText}), supprimé automatiquement au bout de {days} jours.\n\nRégion des données de ce chat : {region}. {regionDetails}\n\n/mydata vous envoie une copie des données enregistrées, /forget les supprime, /region affiche ou change la région.",
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
  "privacy-region-eu": "Vos messages sont traités uniquement dans l'UE (par notre serveur de modèle à Francfort), et tout est stocké dans l'UE.",
  "privacy-region-global": "La conversation est stockée dans l'UE ; vos messages peuvent être traités par des serveurs hors de l'UE, et le journal d'audit peut être conservé hors de l'UE.",
  "privacy-audit-no-text": "sans le texte des messages",
  "privacy-audit-with-text": "y compris le texte des messages",
  "forget-expired": "Cette confirmation n'est plus valable. Renvoyez /forget si vous voulez tout supprimer.",
  "region-global-confirm": "Pour passer ce chat dans la région mondiale, notre conversation est d'abord supprimée, car elle a été conservée selon les règles de l'UE. Ensuite, vos messages pourront être traités hors de l'UE. Changer de région et supprimer la conversation ?",
  "region-global-yes": "Oui, changer",
  "region-unchanged": "D'accord, la région des données de ce chat reste : {region}.",
  "region-already": "La région des données de ce chat est déjà : {region}.",
  "moderation-input-refused": "Désolé, je ne peux pas vous aider avec ce message. Merci de le reformuler.",
  "moderation-output-withheld": "J'ai rédigé une réponse, mais je la retiens car elle pourrait être nuisible. Essayez de poser la question autrement.",
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
