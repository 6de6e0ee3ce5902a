/**
 * Decodes what MSK's DescribeTopic returns in `Configs`: base64 of the topic's configs. The project writes a
 * JSON object (lib/constructs/streaming/topic-configs.ts); one AWS example shows `name=value` lines instead, so
 * both are read, and the check compares the values either way.
 */
export function decodeTopicConfigs(base64: string | undefined): Record<string, string> {
  if (!base64) return {};
  const text = Buffer.from(base64, 'base64').toString('utf8').trim();
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, String(value)]));
  }
  const configs: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf('=');
    if (at > 0) configs[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return configs;
}
