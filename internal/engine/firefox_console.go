package engine

import (
	"encoding/json"
	"regexp"
	"sync"
)

// firefoxEvents are the BiDi events the browser subscribes to, for every
// browsing context: the log, and the contexts' creation and destruction,
// which tell whose page a frame is.
var firefoxEvents = []string{"browsingContext.contextCreated", "browsingContext.contextDestroyed", "log.entryAdded"}

// firefoxException matches the text of an uncaught exception or unhandled
// rejection ("TypeError: x is null", "uncaught exception: oops"). Firefox
// logs its own messages (a blocked load, a CSP violation) as "javascript"
// entries too, and neither a syntax error nor a rejection carries a stack
// trace: the text is what tells them apart.
var firefoxException = regexp.MustCompile(`^(uncaught exception: |([A-Z][A-Za-z]*)?(Error|Exception)(: |$))`)

// firefoxConsole routes the log events of the browser's one BiDi session to
// the pages. A log event names the browsing context (tab or frame) that
// logged it; each page has its own user context, which every context of
// the page, frames included, belongs to.
type firefoxConsole struct {
	mu    sync.Mutex
	owner map[string]string      // browsing context → user context
	logs  map[string]*consoleLog // user context → its page's console
}

func newFirefoxConsole() *firefoxConsole {
	return &firefoxConsole{owner: map[string]string{}, logs: map[string]*consoleLog{}}
}

// open starts collecting the console of a user context.
func (c *firefoxConsole) open(userContext string) *consoleLog {
	l := &consoleLog{}
	c.mu.Lock()
	c.logs[userContext] = l
	c.mu.Unlock()
	return l
}

// own records that a browsing context belongs to a user context.
func (c *firefoxConsole) own(context, userContext string) {
	c.mu.Lock()
	c.owner[context] = userContext
	c.mu.Unlock()
}

// close forgets a user context and its browsing contexts.
func (c *firefoxConsole) close(userContext string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.logs, userContext)
	for ctx, uc := range c.owner {
		if uc == userContext {
			delete(c.owner, ctx)
		}
	}
}

// event handles a BiDi event on the connection's reading goroutine.
func (c *firefoxConsole) event(method string, params json.RawMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch method {
	case "browsingContext.contextCreated":
		var info struct {
			Context     string `json:"context"`
			Parent      string `json:"parent"`
			UserContext string `json:"userContext"`
		}
		if json.Unmarshal(params, &info) != nil {
			return
		}
		uc := info.UserContext
		if owner, ok := c.owner[info.Parent]; ok && info.Parent != "" {
			uc = owner
		}
		c.owner[info.Context] = uc
	case "browsingContext.contextDestroyed":
		var info struct {
			Context string `json:"context"`
		}
		if json.Unmarshal(params, &info) == nil {
			delete(c.owner, info.Context)
		}
	case "log.entryAdded":
		var e struct {
			Type   string `json:"type"`
			Level  string `json:"level"`
			Text   string `json:"text"`
			Source struct {
				Context string `json:"context"`
			} `json:"source"`
			StackTrace *struct{} `json:"stackTrace"`
		}
		if json.Unmarshal(params, &e) != nil {
			return
		}
		l := c.logs[c.owner[e.Source.Context]]
		if l == nil {
			return
		}
		source := SourceBrowser
		switch {
		case e.Type == "console":
			source = SourceConsole
		case e.Type == "javascript" && (e.StackTrace != nil || firefoxException.MatchString(e.Text)):
			source = SourceException
		}
		l.add(ConsoleMessage{Level: consoleLevel(e.Level), Source: source, Text: e.Text})
	}
}
