/**
 * A managed ruleset in the spirit of the OWASP Core Rule Set: each rule has an attack class,
 * a paranoia level (PL1 = few false positives … PL4 = strict) and a severity whose score adds
 * to the request's anomaly score. Patterns run on normalised input (see `normalize.ts`).
 */
export type AttackClass = "sqli" | "xss" | "traversal" | "cmdi" | "scanner";
export type Severity = "critical" | "error" | "warning" | "notice";
export type InspectionTarget = "path" | "args" | "cookie" | "body" | "user-agent" | "referer" | "headers";
export type ParanoiaLevel = 1 | 2 | 3 | 4;

// OWASP CRS anomaly scores per severity (crs-setup.conf: critical 5, error 4, warning 3,
// notice 2) and its default inbound threshold of 5: one critical match blocks.
export const SEVERITY_SCORES: Readonly<Record<Severity, number>> = { critical: 5, error: 4, warning: 3, notice: 2 };
export const ANOMALY_THRESHOLD_DEFAULT = 5;

export interface ManagedRule {
  readonly id: string;
  readonly attackClass: AttackClass;
  readonly paranoiaLevel: ParanoiaLevel;
  readonly severity: Severity;
  readonly targets: readonly InspectionTarget[];
  readonly pattern: RegExp;
  readonly description: string;
}

// Application data: arguments, cookies, the body and non-structural headers (see managed-engine.ts).
const ARGS: readonly InspectionTarget[] = ["args", "cookie", "body", "headers"];
const ARGS_AND_PATH: readonly InspectionTarget[] = ["path", "args", "cookie", "body", "headers"];

type Row = [id: string, cls: AttackClass, pl: ParanoiaLevel, sev: Severity, targets: readonly InspectionTarget[], pattern: RegExp, description: string];

// Patterns avoid unbounded scans that can restart at every position (`[^<>]*` rather than
// `[^>]*` after a tag opener), so each stays near-linear on the 8 KiB inspected per field.
const ROWS: readonly Row[] = [
  // ANCHOR: sqli-rows
  // SQL injection.
  ["942100", "sqli", 1, "critical", ARGS, /\bunion\b(\s+(all|distinct))?\s*\(?\s*select\b/, "UNION-based SELECT"],
  ["942110", "sqli", 1, "critical", ARGS, /['"`]\)*\s*(or|and|xor|\|\||&&)\s*\(*\s*['"]?[\w@]*['"]?\s*(=|<>|!=|<|>|\blike\b|\bis\b|\brlike\b|\bregexp\b)/, "quoted tautology (' OR 'a'='a)"],
  ["942120", "sqli", 1, "critical", ARGS, /['"`]\)*\s*(or|and|\|\||&&)\s+(true|false|not|null|\d+|sleep|exists)\b/, "quoted boolean condition"],
  ["942130", "sqli", 1, "critical", ARGS, /(\b(or|and)|\|\|)\s+(\d+|'[^']*'|"[^"]*")\s*(=|<>|!=|<|>|like)\s*(\d+|'[^']*'|"[^"]*")/, "numeric tautology (OR 1=1)"],
  ["942140", "sqli", 1, "critical", ARGS, /['"`)]\s*(--|#|;)|\/\*!?\d*|;\s*--/, "quote followed by comment or terminator"],
  ["942150", "sqli", 1, "critical", ARGS, /;\s*(drop|delete|insert|update|shutdown|exec|execute|declare|create|alter|truncate|select|grant)\b/, "stacked query"],
  ["942160", "sqli", 1, "critical", ARGS, /\b(sleep|benchmark|pg_sleep|dbms_pipe\.receive_message|randomblob)\s*\(|\bwaitfor\s+(delay|time)\b/, "time-based blind probe"],
  ["942170", "sqli", 1, "critical", ARGS, /\b(information_schema|sysobjects|syscolumns|pg_catalog|pg_shadow|mysql\.user|sqlite_master|xp_cmdshell|load_file\s*\(|into\s+(out|dump)file|extractvalue\s*\(|updatexml\s*\(|@@version|@@datadir|utl_http|dbms_\w+)/, "database fingerprinting function or table"],
  ["942180", "sqli", 1, "critical", ARGS, /\(\s*select\b|\bselect\s+(\*|count\s*\(|@@|null\b|\d+\s*,|char\s*\(|concat\s*\(|group_concat|table_name|column_name|user\s*\(|version\s*\(|database\s*\()/, "subquery or enumeration SELECT"],
  ["942190", "sqli", 1, "warning", ARGS, /\border\s+by\s+\d+|\bgroup\s+by\b.*\bhaving\b|\bhaving\s+\d+\s*=\s*\d+/, "column enumeration"],
  ["942200", "sqli", 1, "critical", ARGS, /\b(char|nchar|chr|concat|concat_ws|group_concat|ascii|substring|substr|mid|hex|unhex)\s*\(.*(select|\d+\s*,\s*\d+|0x)/, "string-building function with query parts"],
  ["942210", "sqli", 2, "critical", ARGS, /\bselect\b.{1,120}\bfrom\b|\b(insert\s+into|delete\s+from|drop\s+(table|database)|update\s+\w+\s+set|alter\s+table|truncate\s+table)\b/, "SQL statement shape"],
  ["942220", "sqli", 2, "critical", ARGS, /['"`]\s*(or|and|union|select|having|where)\b|\b0x[0-9a-f]{8,}\b/, "quote then SQL keyword, or hex literal"],
  ["942230", "sqli", 3, "critical", ARGS, /['"`]\s*[=<>!|&+;]|--|\bor\b\s*\d|\band\b\s*\d/, "quote then operator, or SQL comment"],
  ["942240", "sqli", 4, "critical", ARGS, /['"`]/, "any quote in a parameter"],
  // ANCHOR_END: sqli-rows
  // Cross-site scripting.
  ["941100", "xss", 1, "critical", ARGS_AND_PATH, /<script[\s>/]|<\/script>/, "script tag"],
  ["941110", "xss", 1, "critical", ARGS_AND_PATH, /(javascript|vbscript|livescript)\s*:|data\s*:\s*text\/html|data\s*:\s*(application\/(x-)?javascript|image\/svg)/, "script URL scheme"],
  ["941120", "xss", 1, "critical", ARGS_AND_PATH, /<[a-z0-9]+[\s/][^<>]*\bon[a-z]{3,}\s*=/, "event handler attribute in a tag"],
  ["941130", "xss", 1, "critical", ARGS_AND_PATH, /<(iframe|object|embed|applet|frame|frameset|base|meta|svg|math|xss|isindex|marquee|template|xml|import)\b/, "dangerous tag"],
  ["941140", "xss", 1, "critical", ARGS_AND_PATH, /\b(alert|prompt|confirm|eval)\s*[(`]|document\s*\.\s*(cookie|domain|write|location)|window\s*\.\s*(location|name)|string\s*\.\s*fromcharcode|\batob\s*\(/, "script sink or dialog call"],
  ["941150", "xss", 1, "critical", ARGS_AND_PATH, /\bexpression\s*\(|\b(srcdoc|formaction|xlink:href)\s*=|-moz-binding|\bstyle\s*=[^<>]*url\s*\(/, "scriptable attribute or CSS expression"],
  ["941160", "xss", 2, "critical", ARGS_AND_PATH, /<\/?[a-z][a-z0-9]*[\s/>]|\bon[a-z]{3,}\s*=/, "any HTML tag or handler"],
  ["941170", "xss", 3, "critical", ARGS, /[<>]|["']\s*[;+]/, "angle bracket or quote break-out"],
  ["941180", "xss", 4, "critical", ARGS, /[<>"'()`]/, "any markup or script metacharacter"],
  // Path traversal and file inclusion.
  ["930100", "traversal", 1, "critical", ARGS_AND_PATH, /(^|[\/\\=:\u2215\u2216\uff0f\ufffd])\.{2,}[\/\\;\u2215\u2216\uff0f\ufffd]|[\/\\]\.{2,}($|[\/\\;])/, "dot-dot segment (also with look-alike or overlong-encoded slashes)"],
  ["930110", "traversal", 1, "critical", ARGS_AND_PATH, /\/etc\/(passwd|shadow|hosts|group|issue|hostname)|\/proc\/(self|\d+)\/|(c:|\\)[\\\/]?(windows|winnt|boot\.ini)|win\.ini|system32|\.htpasswd|\/\.ssh\/|id_rsa|\/\.git\/|\/\.env\b|web\.config/, "sensitive file"],
  ["930120", "traversal", 1, "critical", ARGS_AND_PATH, /\b(file|php|phar|zip|expect|glob|data):\/\//, "file-inclusion wrapper"],
  ["930130", "traversal", 2, "critical", ARGS_AND_PATH, /\.\.|\\\\/, "any dot-dot or UNC path"],
  ["930140", "traversal", 3, "critical", ARGS_AND_PATH, /\/\.[a-z]/, "hidden file"],
  ["930150", "traversal", 4, "critical", ARGS, /^[\/\\~]|%/, "absolute path or stray percent in a parameter"],
  // OS command injection.
  ["932100", "cmdi", 1, "critical", ARGS, /([;&|`\n]|\$\()\s*(cat|ls|id|whoami|uname|wget|curl|nc|ncat|netcat|bash|sh|zsh|ksh|ping|nslookup|dig|rm|chmod|python[23]?|perl|php|ruby|echo|sleep|ifconfig|ipconfig|net\s+user|powershell|cmd(\.exe)?|telnet|tftp|busybox|head|tail|touch|kill|ps|env|printenv|hostname|find|xterm|socat|base64)\b(\s+[-\/$'"\w]|\s*[;|&`)]|$)/, "command after a shell separator"],
  ["932110", "cmdi", 1, "critical", ARGS, /\$\(\s*[a-z]|`\s*[a-z][^`]*`|\$\{?ifs\}?|\$\{[a-z_]+[^}]*\}/, "command or variable substitution"],
  ["932120", "cmdi", 1, "critical", ARGS, /\/bin\/(ba|z|da|k)?sh\b|\/usr\/bin\/\w+|\/bin\/(cat|ls|nc|busybox|id)\b|\/dev\/tcp\/|\bbash\s+-[ci]\b|\b(nc|ncat|netcat)\s+-[elvnp]+\b|\bcmd(\.exe)?\s+\/c\b|\bpowershell(\.exe)?\s+-/, "shell binary or reverse shell"],
  ["932130", "cmdi", 2, "critical", ARGS, /[;|`]\s*[a-z_\/.]+|&&|\|\||\b(curl|wget)\s+(-\w|https?:)/, "separator then a word, or chaining"],
  ["932140", "cmdi", 3, "critical", ARGS, /[;|`$]/, "shell metacharacter"],
  ["932150", "cmdi", 4, "critical", ARGS, /[&<>\\]/, "any redirection or escape character"],
  // Scanners and attack tools by user agent.
  ["913100", "scanner", 1, "critical", ["user-agent"], /sqlmap|nikto|nmap|masscan|acunetix|nessus|wpscan|dirbuster|gobuster|zgrab|nuclei|w3af|havij|fimap|openvas|netsparker|arachni|jbrofuzz|whatweb|zmeu|morfeus|commix|ffuf|feroxbuster|qualys|skipfish|paros|webinspect|appscan|burp/, "known security scanner"],
  ["913110", "scanner", 2, "warning", ["user-agent"], /^$/, "empty user agent"],
  ["913120", "scanner", 3, "critical", ["user-agent"], /\b(curl|wget|python-requests|python-urllib|go-http-client|libwww-perl|java\/|okhttp|httpclient|scrapy)\b/, "scripting HTTP client"],
  ["913130", "scanner", 4, "notice", ["user-agent"], /bot|crawl|spider|fetch/, "self-declared crawler"],
];

export const MANAGED_RULES: readonly ManagedRule[] = ROWS.map(([id, attackClass, paranoiaLevel, severity, targets, pattern, description]) => ({
  id,
  attackClass,
  paranoiaLevel,
  severity,
  targets,
  pattern,
  description,
}));
