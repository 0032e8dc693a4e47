package gate

import "github.com/civic-consent/consent/wasm/contract"

// themeProperties are the host's theme properties a placeholder takes.
var themeProperties = contract.ThemeProperties
