package engine

import (
	"strings"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
)

// chromiumConsole collects a tab's console from its CDP events. The tab's
// Runtime domain reports the console calls and uncaught exceptions of every
// document of the tab, its same-origin frames included (they run in the
// tab's process); the Log domain reports the browser's own messages.
type chromiumConsole struct {
	consoleLog
}

// listen is a chromedp listener: it runs on the tab's reading goroutine
// and must not block.
func (c *chromiumConsole) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		args := make([]string, 0, len(ev.Args))
		for _, a := range ev.Args {
			args = append(args, remoteText(a))
		}
		c.add(ConsoleMessage{Level: consoleLevel(string(ev.Type)), Source: SourceConsole, Text: strings.Join(args, " ")})
	case *runtime.EventExceptionThrown:
		c.add(ConsoleMessage{Level: LevelError, Source: SourceException, Text: exceptionText(ev.ExceptionDetails)})
	case *cdplog.EventEntryAdded:
		if ev.Entry != nil {
			c.add(ConsoleMessage{Level: consoleLevel(string(ev.Entry.Level)), Source: SourceBrowser, Text: ev.Entry.Text})
		}
	}
}

// remoteText is how the console shows an argument: a string as is, other
// primitives as their JSON, objects by their description.
func remoteText(o *runtime.RemoteObject) string {
	switch {
	case o == nil:
		return ""
	case len(o.Value) > 0:
		return jsonText(o.Value)
	case o.UnserializableValue != "":
		return string(o.UnserializableValue)
	case o.Description != "":
		return o.Description
	}
	return string(o.Type)
}

// exceptionText is an uncaught exception's message: "Uncaught Error: boom"
// with the exception's description (its first line, without the stack).
func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	text := d.Text
	if d.Exception != nil {
		desc, _, _ := strings.Cut(remoteText(d.Exception), "\n")
		if desc != "" {
			text += " " + desc
		}
	}
	return text
}
