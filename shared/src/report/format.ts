/** Number and time formatting shared by every report. */

const usdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholeUsdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** Exact to the cent, for the email body: `$1,234.56`. */
function usd(amount: number): string {
  return usdFormat.format(amount);
}

const rateFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** Hourly rates keep the precision AWS lists them with: `$5.752`. */
function usdRate(amount: number): string {
  return rateFormat.format(amount);
}

/** Compact, for subjects and SMS: whole dollars from $100 up, cents below. */
function usdShort(amount: number): string {
  return amount >= 100 ? wholeUsdFormat.format(Math.round(amount)) : usdFormat.format(amount);
}

/** `45 min`, `7 h`, `3 days 4 h`. */
function duration(hours: number): string {
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.floor(hours)} h`;
  const days = Math.floor(hours / 24);
  const rest = Math.floor(hours - days * 24);
  return rest > 0 ? `${days} days ${rest} h` : `${days} days`;
}

/** `2026-11-21 09:00 UTC`: reports speak UTC so that every reader sees the same time. */
function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export { usd, usdRate, usdShort, duration, utcMinute, plural };
