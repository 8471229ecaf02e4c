// Names a browser and operating system from a user-agent string, for the user detail drawer.

export function describeDevice(ua: string | null): {
  ua: string | null;
  browser: string | null;
  os: string | null;
} {
  if (!ua) return { ua: null, browser: null, os: null };
  return { ua, browser: browserOf(ua), os: osOf(ua) };
}

function browserOf(ua: string): string | null {
  if (/Edg\//.test(ua)) return "Edge";
  if (/OPR\//.test(ua)) return "Opera";
  if (/Firefox\//.test(ua)) return "Firefox";
  if (/HeadlessChrome\//.test(ua)) return "Headless Chrome";
  if (/Chrome\//.test(ua)) return "Chrome";
  if (/Safari\//.test(ua)) return "Safari";
  return null;
}

function osOf(ua: string): string | null {
  if (/Windows/.test(ua)) return "Windows";
  if (/iPhone|iPad/.test(ua)) return "iOS";
  if (/Mac OS X/.test(ua)) return "macOS";
  if (/Android/.test(ua)) return "Android";
  if (/CrOS/.test(ua)) return "ChromeOS";
  if (/Linux/.test(ua)) return "Linux";
  return null;
}
