package catalog

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/testenv"
)

func TestWatchShowsAnEditToADirectorySourceByItself(t *testing.T) {
	s, _ := newService(t)
	dir := testenv.WriteFiles(t, t.TempDir(), orgFiles())
	addDir(t, s, "org", dir)
	syncOK(t, s, "org")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed := make(chan []SyncResult, 4)
	go s.Watch(ctx, WatchOptions{LocalEvery: 20 * time.Millisecond, RemoteEvery: time.Hour}, func(r []SyncResult) { changed <- r })

	testenv.WriteFiles(t, dir, map[string]string{"services/checkout.yaml": strings.Replace(checkoutYAML, "The checkout flow.", "Edited while watching.", 1)})
	touchLater(t, filepath.Join(dir, "services", "checkout.yaml"))
	select {
	case r := <-changed:
		if len(r) != 1 || r[0].Source != "org" || r[0].FilesRead != 1 {
			t.Fatalf("watch reported %+v", r)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the edit was not picked up by Watch")
	}
	d, err := s.Entity(context.Background(), "checkout")
	if err != nil || d.Description != "Edited while watching." {
		t.Fatalf("entity after watch: %q %v", d.Description, err)
	}
}
