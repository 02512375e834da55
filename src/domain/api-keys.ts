/** Every API key starts with this, so a leaked key is recognisable (and secret scanners can match it). */
export const API_KEY_PREFIX = "fl_";
