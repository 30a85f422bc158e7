package drive

import (
	"encoding/base64"
	"testing"
)

// Published vectors: input and hash in base64.
var quickXorVectors = []struct{ in, out string }{
	{``, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
	{`Sg==`, "SgAAAAAAAAAAAAAAAQAAAAAAAAA="},
	{`tbQ=`, "taAFAAAAAAAAAAAAAgAAAAAAAAA="},
	{`0pZP`, "0rDEEwAAAAAAAAAAAwAAAAAAAAA="},
	{`2fuxhBJXtpWFe8dOfdGeHw==`, "O9tHLAghgSvYohKFyMMxnNCHaHg="},
	{`Mb7EGva2rEE5fENDL85P+BsapHEEjv2/siVhKjvAQe02feExVOQSkfmuYzU/kTF1MaKjPmKF/w+cbvwfdWL8aQ==`, "n1anP5NfvD4XDYWIeRPW3ZkPv1Y="},
	{`qwGf2ESubE5jOUHHyc94ORczFYYbc2OmEzo+hBIyzJiNwAzC8PvJqtTzwkWkSslgHFGWQZR2BV5+uYTrYT7HVwRM40vqfj0dBgeDENyTenIOL1LHkjtDKoXEnQ0mXAHoJ8PjbNC93zi5TovVRXTNzfGEs5dpWVqxUzb5lc7dwkyvOluBw482mQ4xrzYyIY1t+//OrNi1ObGXuUw2jBQOFfJVj2Y6BOyYmfB1y36eBxi3zxeG5d5NYjm2GSh6e08QMAwu3zrINcqIzLOuNIiGXBtl7DjKt7b5wqi4oFiRpZsCyx2smhSrdrtK/CkdU6nDN+34vSR/M8rZpWQdBE7a8g==`, "WYT9JY3JIo/pEBp+tIM6Gt2nyTM="},
}

func TestQuickXorHash(t *testing.T) {
	for _, v := range quickXorVectors {
		in, err := base64.StdEncoding.DecodeString(v.in)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range []int{1, 5, 159, 160, 161, 4096} {
			h := NewQuickXorHash()
			for i := 0; i < len(in); i += block {
				h.Write(in[i:min(i+block, len(in))])
			}
			if got := base64.StdEncoding.EncodeToString(h.Sum(nil)); got != v.out {
				t.Fatalf("%d bytes in blocks of %d: %s, want %s", len(in), block, got, v.out)
			}
		}
	}
	h := NewQuickXorHash()
	h.Write([]byte("x"))
	h.Reset()
	if base64.StdEncoding.EncodeToString(h.Sum(nil)) != quickXorVectors[0].out || h.Size() != 20 || h.BlockSize() != 160 {
		t.Fatal("Reset, Size or BlockSize")
	}
}

func BenchmarkQuickXorHash(b *testing.B) {
	buf := make([]byte, 1<<20)
	h := NewQuickXorHash()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		h.Write(buf)
	}
}
