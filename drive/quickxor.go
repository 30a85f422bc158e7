package drive

import (
	"crypto/subtle"
	"encoding/binary"
	"hash"
)

// QuickXorHash's shape: a 160-bit state, each input byte XORed in 11 bits
// after the one before it (wrapping around).
const (
	qxWidth = 160
	qxShift = 11
	qxSize  = qxWidth / 8
)

// quickXor keeps, for each of the 160 positions a byte can land on, the
// XOR of the bytes that landed there: bytes 160 apart share a position, so
// whole blocks are XORed in at once and spread over the bits only by Sum.
type quickXor struct {
	lanes [qxWidth]byte
	n     uint64
}

// NewQuickXorHash returns OneDrive's QuickXorHash, the hash OneDrive for
// Business and SharePoint report in file.hashes.quickXorHash (base64 of the
// 20-byte sum). It runs at memory speed.
func NewQuickXorHash() hash.Hash { return new(quickXor) }

// Write adds p to the hash; it never fails.
func (q *quickXor) Write(p []byte) (int, error) {
	n := len(p)
	if pos := int(q.n % qxWidth); pos != 0 {
		k := min(qxWidth-pos, len(p))
		subtle.XORBytes(q.lanes[pos:pos+k], q.lanes[pos:pos+k], p[:k])
		p = p[k:]
	}
	for ; len(p) >= qxWidth; p = p[qxWidth:] {
		subtle.XORBytes(q.lanes[:], q.lanes[:], p[:qxWidth])
	}
	subtle.XORBytes(q.lanes[:len(p)], q.lanes[:len(p)], p)
	q.n += uint64(n)
	return n, nil
}

// Sum appends the 20-byte hash to b: the lanes at their bit positions,
// then the length, little-endian, XORed into the last 8 bytes.
func (q *quickXor) Sum(b []byte) []byte {
	var out [qxSize]byte
	for i, v := range q.lanes {
		bit := i * qxShift % qxWidth
		w := uint16(v) << (bit % 8)
		out[bit/8] ^= byte(w)
		out[(bit/8+1)%qxSize] ^= byte(w >> 8)
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], q.n)
	subtle.XORBytes(out[qxSize-8:], out[qxSize-8:], n[:])
	return append(b, out[:]...)
}

// Reset empties the hash.
func (q *quickXor) Reset() { *q = quickXor{} }

// Size is 20 bytes.
func (q *quickXor) Size() int { return qxSize }

// BlockSize is the 160 bytes that Write handles at once.
func (q *quickXor) BlockSize() int { return qxWidth }
