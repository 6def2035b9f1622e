package imap

import (
	"reflect"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u1 := e.post(t, "team", message("Lunch plans", "Shall we get BANANAS?"))
	u2 := e.post(t, "team", message("Budget", "numbers attached"))
	u3 := e.post(t, "team", []byte("From: carol@example.test\r\nSubject: =?utf-8?b?w5xiZXJzaWNodA==?=\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"+
		"R2Vsw6RuZGUgdW5kIGJhbmFuYXM=\r\n")) // "Gelände und bananas"
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	if err := c.Store(goimap.SeqSetNum(2), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{goimap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	cases := []struct {
		name string
		c    goimap.SearchCriteria
		want []uint32 // sequence numbers
	}{
		{"TEXT any case", goimap.SearchCriteria{Text: []string{"bananas"}}, []uint32{1, 3}},
		{"TEXT in header", goimap.SearchCriteria{Text: []string{"lunch"}}, []uint32{1}},
		{"BODY not header", goimap.SearchCriteria{Body: []string{"lunch"}}, nil},
		{"BODY base64 UTF-8", goimap.SearchCriteria{Body: []string{"gelände"}}, []uint32{3}},
		{"HEADER Subject", goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "Subject", Value: "budget"}}}, []uint32{2}},
		{"SUBJECT encoded word", goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "Subject", Value: "Übersicht"}}}, []uint32{3}},
		{"FROM", goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "From", Value: "carol"}}}, []uint32{3}},
		{"FLAGGED", goimap.SearchCriteria{Flag: []goimap.Flag{goimap.FlagFlagged}}, []uint32{2}},
		{"UNFLAGGED", goimap.SearchCriteria{NotFlag: []goimap.Flag{goimap.FlagFlagged}}, []uint32{1, 3}},
		{"SINCE today", goimap.SearchCriteria{Since: today}, []uint32{1, 2, 3}},
		{"BEFORE today", goimap.SearchCriteria{Before: today}, nil},
		{"SENTBEFORE 2007", goimap.SearchCriteria{SentBefore: time.Date(2007, 1, 1, 0, 0, 0, 0, time.UTC)}, []uint32{1, 2}},
		{"UID set", goimap.SearchCriteria{UID: []goimap.UIDSet{goimap.UIDSetNum(goimap.UID(u2), goimap.UID(u3))}}, []uint32{2, 3}},
		{"seq set", goimap.SearchCriteria{SeqNum: []goimap.SeqSet{{{Start: 2, Stop: 0}}}}, []uint32{2, 3}},
		{"seq set given high end first", goimap.SearchCriteria{SeqNum: []goimap.SeqSet{{{Start: 3, Stop: 2}}}}, []uint32{2, 3}},
		{"two seq sets ANDed", goimap.SearchCriteria{SeqNum: []goimap.SeqSet{{{Start: 1, Stop: 2}}, {{Start: 2, Stop: 3}}}}, []uint32{2}},
		{"UID set beyond the last UID", goimap.SearchCriteria{UID: []goimap.UIDSet{{{Start: goimap.UID(u3 + 100), Stop: goimap.UID(u3 + 200)}}}}, nil},
		{"NOT seq set", goimap.SearchCriteria{Not: []goimap.SearchCriteria{{SeqNum: []goimap.SeqSet{goimap.SeqSetNum(2)}}}}, []uint32{1, 3}},
		{"OR seq set, UID set", goimap.SearchCriteria{Or: [][2]goimap.SearchCriteria{{{SeqNum: []goimap.SeqSet{goimap.SeqSetNum(1)}}, {UID: []goimap.UIDSet{goimap.UIDSetNum(goimap.UID(u3))}}}}}, []uint32{1, 3}},
		{"NOT", goimap.SearchCriteria{Not: []goimap.SearchCriteria{{Text: []string{"bananas"}}}}, []uint32{2}},
		{"OR", goimap.SearchCriteria{Or: [][2]goimap.SearchCriteria{{{Text: []string{"budget"}}, {Body: []string{"gelände"}}}}}, []uint32{2, 3}},
		{"LARGER", goimap.SearchCriteria{Larger: 1}, []uint32{1, 2, 3}},
	}
	for _, tc := range cases {
		res, err := c.Search(&tc.c, nil).Wait()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := res.AllSeqNums(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	res, err := c.UIDSearch(&goimap.SearchCriteria{Text: []string{"bananas"}}, nil).Wait()
	if err != nil || !reflect.DeepEqual(res.AllUIDs(), []goimap.UID{goimap.UID(u1), goimap.UID(u3)}) {
		t.Errorf("UID SEARCH TEXT: %v %v", res, err)
	}
}
