// A reaction is one emoji (with its modifiers and joiners) or a :short_code:.
const SHORTCODE = /^:[a-z0-9_+-]{1,32}:$/;
const EMOJI =
  /^(\p{Extended_Pictographic}|\p{Regional_Indicator})(\p{Emoji_Modifier}|\uFE0F|\u200D(\p{Extended_Pictographic})|\p{Regional_Indicator}|\u20E3)*$/u;

export function isValidEmoji(value: string): boolean {
  return SHORTCODE.test(value) || (value.length <= 32 && EMOJI.test(value));
}
