package engine

import "github.com/chromedp/chromedp"

// ChromiumPath is the browser the tests drive: Debian's Chromium headless
// shell (package chromium-headless-shell), the same Blink and V8 as its
// chromium package without the browser's user interface; Puppeteer and
// Playwright run their headless tests on it too. Here the full browser's
// headless mode cost twice the CPU for the same page (5.4 against 2.7
// CPU-seconds for the contact page), and the suite is bound by CPU. Its
// launcher script, /usr/bin/chromium-headless-shell, is bypassed.
const ChromiumPath = "/usr/lib/chromium/chromium-headless-shell"

// deadURL is a loopback address where nothing listens (port 9, discard):
// browser services sent there fail at once, without leaving the machine.
const deadURL = "http://127.0.0.1:9"

// ChromiumQuietFlags returns the launch options of a headless Chromium that
// runs as root in a container and calls out on nothing of its own: no first
// run, no background networking, sync, updates, translation, phishing or
// metrics services. The browser tests and the benchmark both start from
// them, adding their own (profile folder, proxy or host rules, output).
func ChromiumQuietFlags() []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying"),
		// Two services ignore the flags above: the account check
		// (accounts.google.com/ListAccounts) and on-demand components
		// (update.googleapis.com). Point them at a closed loopback port, so
		// that their attempts fail on the machine.
		chromedp.Flag("gaia-url", deadURL),
		chromedp.Flag("component-updater", "url-source="+deadURL+"/"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
	}
}
