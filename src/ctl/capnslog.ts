// etcdctl's flag-from-environment messages come from capnslog, whose lines
// read "2026-12-03 06:48:11.623291 W | pkg/flags: ..." (local time, µs).

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function capnslogLine(level: 'W' | 'C', pkg: string, message: string, now = new Date()): string {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds() * 1000, 6)}`;
  return `${date} ${time} ${level} | ${pkg}: ${message}\n`;
}
