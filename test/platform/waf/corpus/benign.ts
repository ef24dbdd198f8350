/** Ordinary traffic a WAF must let through: shop, search, API, CMS and static requests. */
export interface BenignRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const SEARCHES = [
  "O'Reilly", "o'reilly media books", "Don't Stop Believin'", "rock 'n' roll", "Guns N' Roses", "it's a wonderful life",
  "Levi's 501 jeans", "McDonald's near me", "children's books", "women's running shoes", "the king's speech",
  "C++ tutorial", "C# vs Java", "what is 1+1", "salt & pepper", "Q&A", "AT&T prepaid", "Ben & Jerry's", "H&M jeans",
  "rock & roll hall of fame", "50% off sale", "100% cotton t-shirt", "price < 20", "size > 10", "2 + 2 = 4",
  "\"exact phrase\" search", "select a plan", "how to select from a dropdown", "union station chicago",
  "order of the phoenix", "drop shipping business", "update windows 11", "delete facebook account",
  "insert coin", "sleep apnea", "sleeping bag", "cat food", "cat toys", "find my iphone", "echo dot", "ps5 console",
  "tail lights", "kill bill", "id card", "ls engine", "curl hair tips", "bash birthday party", "python tutorial",
  "Perl jam", "ruby on rails guide", "ping pong table", "net user guide", "script writing course", "javascript book",
  "alert sounds", "confirm email", "prompt engineering", "eval function python", "what does ../ mean", "etc",
  "passwords manager", "windows 11 pro", "system of a down", "environment variables", "the 1975", "1 or 2 players",
  "and or not logic", "Coca-Cola", "Mötley Crüe", "café au lait", "東京 ラーメン", "naïve bayes", "über eats",
  "résumé template", "sushi; sashimi", "pipe | fittings", "back-to-school", "what's new", "#hashtag", "@username",
  "email@example.com", "(555) 123-4567", "1/2 inch pipe", "3/4 cup sugar", "5'11\" height", "6' 2\" tall",
  "she said \"hello\"", "x = y", "a=b", "50 < x < 100", "smith & wesson", "dolce & gabbana", "marks & spencer",
];

const PATHS = [
  "/", "/index.html", "/about", "/contact", "/blog/2024/05/how-we-scaled-our-api", "/products/shoes/running/12345",
  "/products/tv-55-inch-4k", "/cart", "/checkout/step-2", "/account/orders/987654", "/static/js/app.3f2a1b.js",
  "/static/css/main.css", "/images/logo@2x.png", "/fonts/inter-var.woff2", "/favicon.ico", "/robots.txt",
  "/sitemap.xml", "/api/v1/users/42", "/api/v1/products", "/api/v2/search", "/docs/getting-started",
  "/docs/api/reference#authentication", "/wiki/O%27Reilly_Media", "/wiki/C%2B%2B", "/wiki/AT%26T",
  "/news/world/europe-68234567", "/r/programming/comments/abc123/whats_new_in_typescript/",
  "/user/john.doe", "/@jane/posts", "/en-us/support/article/12345", "/downloads/setup-v1.2.3.exe",
  "/blog/tags/c%23", "/2023/11/28/year-in-review.html", "/feeds/rss.xml", "/.well-known/security.txt",
];

const BROWSER: Record<string, string> = {
  "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "accept-language": "en-US,en;q=0.9",
  "accept-encoding": "gzip, deflate, br",
  cookie: "session=9f86d081884c7d65; theme=dark; _ga=GA1.2.1234567890.1700000000; consent=yes",
};

const API_BODIES = [
  `{"name":"Tim O'Reilly","email":"tim@example.com","company":"O'Reilly Media"}`,
  `{"query":"rock 'n' roll","filters":{"price":{"lt":50},"inStock":true},"sort":"-rating"}`,
  `{"comment":"Great post! I didn't know that -- thanks for sharing.","rating":5}`,
  `{"items":[{"sku":"A-100","qty":2},{"sku":"B-200","qty":1}],"coupon":"SAVE10"}`,
  `{"title":"Q3 report (draft)","tags":["finance","q3"],"public":false}`,
  `{"address":"1 Infinite Loop, Cupertino, CA","note":"Leave at door; ring bell"}`,
  `{"password":"c0rrect-h0rse!","remember":true}`,
  `{"message":"Meet at 5 o'clock & bring snacks :)"}`,
  `{"code":"const x = a > b ? a : b;","language":"javascript"}`,
  `{"description":"Size: 10 1/2; Color: navy/white"}`,
];

const FORMS = [
  "username=jane.doe&password=s3cr3t%21&remember=on",
  "name=Patrick+O%27Brien&email=pat%40example.com&message=Hi%2C+I%27d+like+a+quote.",
  "q=O%27Reilly&page=2",
  "first=Se%C3%A1n&last=O%27Connor&city=Dublin",
  "comment=I+don%27t+agree+%E2%80%94+but+it%27s+a+fair+point.",
];

function q(text: string): string {
  return encodeURIComponent(text);
}

export const BENIGN_REQUESTS: readonly BenignRequest[] = [
  ...SEARCHES.map((s) => ({ url: `https://shop.example.com/search?q=${q(s)}`, headers: BROWSER })),
  ...SEARCHES.slice(0, 40).map((s, i) => ({
    url: `https://www.example.org/results?query=${q(s).replace(/%20/g, "+")}&page=${(i % 5) + 1}&sort=relevance`,
    headers: { ...BROWSER, referer: `https://www.example.org/?q=${q(s)}` },
  })),
  ...PATHS.map((p) => ({ url: `https://www.example.com${p}`, headers: BROWSER })),
  ...PATHS.slice(0, 20).map((p, i) => ({ url: `https://cdn.example.net${p}?v=${1000 + i}&utm_source=newsletter&utm_medium=email`, headers: BROWSER })),
  ...API_BODIES.map((body) => ({
    url: "https://api.example.com/v1/things",
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "MyApp/2.3 (iOS 17.4)" },
    body,
  })),
  ...FORMS.map((body) => ({
    url: "https://www.example.com/contact",
    method: "POST",
    headers: { ...BROWSER, "content-type": "application/x-www-form-urlencoded" },
    body,
  })),
  { url: "https://maps.example.com/place?lat=51.5072&lng=-0.1276&zoom=14", headers: BROWSER },
  { url: "https://www.example.com/calendar?from=2024-01-01&to=2024-12-31&tz=Europe%2FLondon", headers: BROWSER },
  { url: "https://www.example.com/redirect?next=%2Faccount%2Fsettings", headers: BROWSER },
  { url: "https://www.example.com/login?return_to=https%3A%2F%2Fwww.example.com%2Fdashboard", headers: BROWSER },
  { url: "https://api.example.com/v1/search?fields=id,name,price&limit=50&offset=100", headers: BROWSER },
  { url: "https://www.example.com/track?event=click&label=Buy%20now%20(blue)&value=19.99", headers: BROWSER },
  { url: "https://www.example.com/share?text=I%27m%20at%20the%20caf%C3%A9%20%E2%98%95", headers: BROWSER },
  { url: "https://www.example.com/filter?brand[]=nike&brand[]=adidas&size=10.5", headers: BROWSER },
  { url: "https://www.example.com/graphql?query=%7Buser(id%3A1)%7Bname%7D%7D", headers: BROWSER },
  { url: "https://www.example.com/math?expr=(3%2B4)*5-6%2F2", headers: BROWSER },
];
