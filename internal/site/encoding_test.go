package site

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNegotiateEncoding(t *testing.T) {
	both := []string{encBrotli, encGzip}
	tests := []struct {
		header    string
		available []string
		want      string
	}{
		{"", both, encIdentity},
		{"gzip", both, encGzip},
		{"br", both, encBrotli},
		{"gzip, deflate, br", both, encBrotli},
		{"gzip, deflate, br, zstd", both, encBrotli},
		{"BR", both, encBrotli},
		{"br;q=0.5, gzip;q=0.8", both, encGzip},
		{"br; q=0.5, gzip; q=0.8", both, encGzip},
		{"gzip;q=1.0, br;q=0.999", both, encGzip},
		{"br;q=0, gzip", both, encGzip},
		{"br;q=0, gzip;q=0", both, encIdentity},
		{"gzip;q=0.5, identity", both, encIdentity},
		{"identity;q=0.5, gzip;q=0.5", both, encGzip},
		{"identity;q=0", both, encIdentity}, // nothing else acceptable: identity anyway
		{"*", both, encBrotli},
		{"*;q=0.1, gzip", both, encGzip},
		{"*;q=0, br", both, encBrotli},
		{"br;q=nonsense, gzip;q=0.1", both, encGzip},
		{"br;q=2, gzip;q=0.1", both, encGzip}, // q out of range counts as 0
		{"deflate, zstd", both, encIdentity},
		{"br", []string{encGzip}, encIdentity},
		{"br, gzip", []string{encGzip}, encGzip},
		{"br, gzip", nil, encIdentity},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, negotiateEncoding(tt.header, tt.available), "Accept-Encoding %q with %v", tt.header, tt.available)
	}
}
