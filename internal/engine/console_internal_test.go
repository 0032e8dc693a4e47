package engine

import (
	"encoding/json"
	"testing"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConsoleLevel(t *testing.T) {
	for in, want := range map[string]string{
		"error": LevelError, "assert": LevelError, "warning": LevelWarn, "warn": LevelWarn,
		"verbose": LevelDebug, "debug": LevelDebug, "log": LevelInfo, "info": LevelInfo, "table": LevelInfo,
	} {
		assert.Equal(t, want, consoleLevel(in), in)
	}
}

func TestChromiumConsoleListen(t *testing.T) {
	var c chromiumConsole
	c.listen(&runtime.EventConsoleAPICalled{Type: runtime.ConsoleAPICalledTypeError, Args: []*runtime.RemoteObject{
		{Type: "string", Value: []byte(`"consent: broken"`)},
		{Type: "number", Value: []byte(`42`)},
		{Type: "number", UnserializableValue: "NaN"},
		{Type: "object", Description: "Error: boom\n    at x.js:1"},
	}})
	c.listen(&runtime.EventExceptionThrown{ExceptionDetails: &runtime.ExceptionDetails{
		Text: "Uncaught", Exception: &runtime.RemoteObject{Type: "object", Description: "TypeError: x is null\n    at y.js:2"},
	}})
	c.listen(&cdplog.EventEntryAdded{Entry: &cdplog.Entry{Source: "network", Level: cdplog.EntryLevelError, Text: "Failed to load resource"}})
	c.listen(&runtime.EventExecutionContextCreated{}) // not a message
	assert.Equal(t, []ConsoleMessage{
		{Level: LevelError, Source: SourceConsole, Text: "consent: broken 42 NaN Error: boom\n    at x.js:1"},
		{Level: LevelError, Source: SourceException, Text: "Uncaught TypeError: x is null"},
		{Level: LevelError, Source: SourceBrowser, Text: "Failed to load resource"},
	}, c.all())
}

func TestFirefoxConsoleRoutesByUserContext(t *testing.T) {
	c := newFirefoxConsole()
	ev := func(method string, params any) {
		b, err := json.Marshal(params)
		require.NoError(t, err)
		c.event(method, b)
	}
	entry := func(context, typ, text string, stack bool) map[string]any {
		e := map[string]any{"type": typ, "level": "error", "text": text, "source": map[string]string{"context": context}}
		if stack {
			e["stackTrace"] = map[string]any{"callFrames": []any{}}
		}
		return e
	}
	a, b := c.open("uc-a"), c.open("uc-b")
	c.own("tab-a", "uc-a")
	ev("browsingContext.contextCreated", map[string]string{"context": "tab-b", "userContext": "uc-b"})
	// A frame's info may lack its user context: its parent tells.
	ev("browsingContext.contextCreated", map[string]string{"context": "frame-a", "parent": "tab-a"})
	ev("browsingContext.contextCreated", map[string]string{"context": "frame-b", "parent": "tab-b", "userContext": "default"})

	ev("log.entryAdded", entry("tab-a", "console", "consent: top", false))
	ev("log.entryAdded", entry("frame-a", "console", "consent: frame", false))
	ev("log.entryAdded", entry("frame-b", "javascript", "Error: thrown", true))
	ev("log.entryAdded", entry("frame-b", "javascript", "SyntaxError: expected expression", false))
	ev("log.entryAdded", entry("frame-b", "javascript", "uncaught exception: oops", false))
	ev("log.entryAdded", entry("frame-b", "javascript", "Content-Security-Policy: The page’s settings blocked a script", false))
	ev("log.entryAdded", entry("elsewhere", "console", "not ours", false))
	ev("log.entryAdded", []int{1}) // malformed: ignored

	assert.Equal(t, []ConsoleMessage{
		{Level: LevelError, Source: SourceConsole, Text: "consent: top"},
		{Level: LevelError, Source: SourceConsole, Text: "consent: frame"},
	}, a.all())
	assert.Equal(t, []ConsoleMessage{
		{Level: LevelError, Source: SourceException, Text: "Error: thrown"},
		{Level: LevelError, Source: SourceException, Text: "SyntaxError: expected expression"},
		{Level: LevelError, Source: SourceException, Text: "uncaught exception: oops"},
		{Level: LevelError, Source: SourceBrowser, Text: "Content-Security-Policy: The page’s settings blocked a script"},
	}, b.all())

	// A destroyed frame and a closed page log nowhere.
	ev("browsingContext.contextDestroyed", map[string]string{"context": "frame-a"})
	ev("log.entryAdded", entry("frame-a", "console", "gone", false))
	c.close("uc-b")
	ev("log.entryAdded", entry("tab-b", "console", "gone", false))
	assert.Len(t, a.all(), 2)
	assert.Len(t, b.all(), 4)
	assert.Empty(t, c.owner["tab-b"])
}
