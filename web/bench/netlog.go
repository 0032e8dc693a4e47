package main

import (
	"net/url"
	"sync"

	"github.com/chromedp/cdproto/network"
)

// request is one request of a visit, from the Network domain's events.
type request struct {
	url      string
	document bool // the host page itself
	// status is the status on the wire: 304 for a revalidation, which
	// responseReceived reports as the cached 200.
	status    int64
	headers   int64 // bytes received when the response started: its headers
	fromCache bool  // memory or HTTP cache, no request on the wire
	// requestTime+sendStart of the response timing (monotonic seconds);
	// kept for the host document, whose in-page requestStart is the same
	// instant and so ties the two clocks.
	sendStart float64
	finished  float64 // monotonic seconds; 0 while loading
	failed    string
	wire      int64 // bytes received, headers included (encodedDataLength)
	body      int64 // encoded body bytes downloaded (0 for 304 and cache hits)
}

// netLog collects the requests of one tab. Chromedp calls record on the
// goroutine that reads the tab's messages, so it only stores.
type netLog struct {
	mu     sync.Mutex
	reqs   map[network.RequestID]*request
	order  []network.RequestID
	wire   map[network.RequestID]int64 // status on the wire, from the extra info
	docURL string
}

func newNetLog(docURL string) *netLog {
	return &netLog{reqs: map[network.RequestID]*request{}, wire: map[network.RequestID]int64{}, docURL: docURL}
}

func (l *netLog) record(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if _, ok := l.reqs[ev.RequestID]; !ok {
			l.order = append(l.order, ev.RequestID)
		}
		l.reqs[ev.RequestID] = &request{
			url:      ev.Request.URL,
			document: ev.Type == network.ResourceTypeDocument && ev.Request.URL == l.docURL,
		}
	case *network.EventRequestServedFromCache:
		if r := l.reqs[ev.RequestID]; r != nil {
			r.fromCache = true
		}
	case *network.EventResponseReceived:
		r := l.reqs[ev.RequestID]
		if r == nil || ev.Response == nil {
			return
		}
		r.status = ev.Response.Status
		r.headers = int64(ev.Response.EncodedDataLength)
		if ev.Response.FromDiskCache || ev.Response.FromPrefetchCache || ev.Response.FromServiceWorker {
			r.fromCache = true
		}
		if t := ev.Response.Timing; t != nil {
			r.sendStart = t.RequestTime + t.SendStart/1000
		}
	case *network.EventResponseReceivedExtraInfo:
		l.wire[ev.RequestID] = ev.StatusCode
	case *network.EventLoadingFinished:
		if r := l.reqs[ev.RequestID]; r != nil {
			r.finished = ev.Timestamp.Float64()
			r.wire = int64(ev.EncodedDataLength)
			if !r.fromCache {
				r.body = r.wire - r.headers
			}
		}
	case *network.EventLoadingFailed:
		if r := l.reqs[ev.RequestID]; r != nil {
			r.finished = ev.Timestamp.Float64()
			r.failed = ev.ErrorText
			if ev.BlockedReason != "" {
				r.failed += " (" + string(ev.BlockedReason) + ")"
			}
		}
	}
}

// snapshot copies the requests, in the order they started.
func (l *netLog) snapshot() []request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]request, 0, len(l.order))
	for _, id := range l.order {
		r := *l.reqs[id]
		if s, ok := l.wire[id]; ok {
			r.status = s
		}
		if r.status == 304 {
			r.body = 0
		}
		out = append(out, r)
	}
	return out
}

// loopback reports whether a URL stays on the machine (or in the page:
// data: and blob: URLs, which never reach the network).
func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	}
	h := u.Hostname()
	return h == "127.0.0.1" || h == "::1"
}
