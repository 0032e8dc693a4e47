package engine

import (
	"encoding/json"
	"strings"
	"sync"
)

// Console message levels, the same in every engine.
const (
	LevelError = "error"
	LevelWarn  = "warn"
	LevelInfo  = "info"
	LevelDebug = "debug"
)

// Console message sources: what logged a message.
const (
	// SourceConsole is a call of the page's console object (console.error…).
	SourceConsole = "console"
	// SourceException is an uncaught exception or unhandled rejection.
	SourceException = "exception"
	// SourceBrowser is a message of the browser itself: a failed load, a
	// blocked request, a deprecation.
	SourceBrowser = "browser"
)

// ConsoleMessage is one message of a page's console, from its top document
// or any of its frames.
type ConsoleMessage struct {
	Level  string // LevelError, LevelWarn, LevelInfo or LevelDebug
	Source string // SourceConsole, SourceException or SourceBrowser
	// Text is the message: for a console call, its arguments joined by
	// spaces as the console shows them.
	Text string
}

// consoleLog collects the messages of one page as the engine reports them,
// from any goroutine.
type consoleLog struct {
	mu   sync.Mutex
	msgs []ConsoleMessage
}

func (l *consoleLog) add(m ConsoleMessage) {
	l.mu.Lock()
	l.msgs = append(l.msgs, m)
	l.mu.Unlock()
}

// all returns a copy of the messages so far.
func (l *consoleLog) all() []ConsoleMessage {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ConsoleMessage(nil), l.msgs...)
}

// consoleLevel maps the engines' level and console-call names to the
// common levels: CDP's "warning" and "verbose", BiDi's "warn", and the
// console method names ("assert", "trace"…).
func consoleLevel(name string) string {
	switch strings.ToLower(name) {
	case "error", "assert":
		return LevelError
	case "warn", "warning":
		return LevelWarn
	case "debug", "verbose":
		return LevelDebug
	}
	return LevelInfo
}

// jsonText returns the string a JSON value holds, or the JSON itself when
// it is not a string (a number, a boolean).
func jsonText(raw []byte) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(raw)
}
