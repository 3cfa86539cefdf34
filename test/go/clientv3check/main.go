// clientv3check drives a cluster with etcd 3.4's Go client (go.etcd.io/etcd/clientv3), the client
// of the tutorial: concurrency.NewMutex with several contenders, concurrency.Election, STM, Watch
// and leases. Each check prints "PASS <name>" or "FAIL <name>: <why>"; the exit status is 1 when any
// check failed. Built in GOPATH mode against Debian's golang-etcd-server-dev (see
// test/e2e/go-clientv3.test.ts).
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/concurrency"
	"go.etcd.io/etcd/etcdserver/api/v3rpc/rpctypes"
	"go.uber.org/zap"
)

var endpoints []string

// client connects to one endpoint, so that contenders talk to different members (followers too).
func client(i int) (*clientv3.Client, error) {
	return clientv3.New(clientv3.Config{
		Endpoints:   []string{endpoints[i%len(endpoints)]},
		DialTimeout: 5 * time.Second,
		LogConfig:   &zap.Config{Level: zap.NewAtomicLevelAt(zap.ErrorLevel), Encoding: "console", OutputPaths: []string{"stderr"}, ErrorOutputPaths: []string{"stderr"}},
	})
}

func ctxFor(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// checkMutex: contenders take the same lock in turns. Inside the lock each does a read-modify-write
// of a counter key in two separate requests; mutual exclusion means no increment is lost, and the
// in-process count of holders never exceeds one.
func checkMutex() error {
	const contenders, rounds = 5, 4
	var holders int32
	errs := make(chan error, contenders)
	var wg sync.WaitGroup
	for i := 0; i < contenders; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- func() error {
				cli, err := client(i)
				if err != nil {
					return err
				}
				defer cli.Close()
				s, err := concurrency.NewSession(cli, concurrency.WithTTL(5))
				if err != nil {
					return fmt.Errorf("session: %w", err)
				}
				defer s.Close()
				m := concurrency.NewMutex(s, "/go/mutex/")
				for r := 0; r < rounds; r++ {
					ctx, cancel := ctxFor(60 * time.Second)
					err := m.Lock(ctx)
					cancel()
					if err != nil {
						return fmt.Errorf("lock: %w", err)
					}
					if n := atomic.AddInt32(&holders, 1); n != 1 {
						return fmt.Errorf("%d holders of the lock at once", n)
					}
					ctx, cancel = ctxFor(10 * time.Second)
					resp, err := cli.Get(ctx, "/go/counter")
					if err == nil {
						v := 0
						if len(resp.Kvs) == 1 {
							v, _ = strconv.Atoi(string(resp.Kvs[0].Value))
						}
						time.Sleep(time.Duration(rand.Intn(20)) * time.Millisecond)
						_, err = cli.Put(ctx, "/go/counter", strconv.Itoa(v+1))
					}
					cancel()
					atomic.AddInt32(&holders, -1)
					if err != nil {
						return fmt.Errorf("counter: %w", err)
					}
					ctx, cancel = ctxFor(10 * time.Second)
					err = m.Unlock(ctx)
					cancel()
					if err != nil {
						return fmt.Errorf("unlock: %w", err)
					}
				}
				return nil
			}()
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	cli, err := client(0)
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx, cancel := ctxFor(10 * time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, "/go/counter")
	if err != nil {
		return err
	}
	if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != strconv.Itoa(contenders*rounds) {
		return fmt.Errorf("counter is %v, want %d: an increment was lost", resp.Kvs, contenders*rounds)
	}
	// Every contender released the lock: no key is left under the prefix.
	left, err := cli.Get(ctx, "/go/mutex/", clientv3.WithPrefix())
	if err != nil {
		return err
	}
	if len(left.Kvs) != 0 {
		return fmt.Errorf("%d lock keys left after every unlock", len(left.Kvs))
	}
	return nil
}

// checkElection: a campaigns and leads; b campaigns and waits; an observer sees a, then b once a
// resigns.
func checkElection() error {
	var sessions []*concurrency.Session
	var clients []*clientv3.Client
	defer func() {
		for _, s := range sessions {
			s.Close()
		}
		for _, c := range clients {
			c.Close()
		}
	}()
	elect := func(i int) (*concurrency.Election, error) {
		cli, err := client(i)
		if err != nil {
			return nil, err
		}
		clients = append(clients, cli)
		s, err := concurrency.NewSession(cli, concurrency.WithTTL(5))
		if err != nil {
			return nil, err
		}
		sessions = append(sessions, s)
		return concurrency.NewElection(s, "/go/election/"), nil
	}
	a, err := elect(0)
	if err != nil {
		return err
	}
	b, err := elect(1)
	if err != nil {
		return err
	}
	watcher, err := elect(2)
	if err != nil {
		return err
	}
	ctx, cancel := ctxFor(60 * time.Second)
	defer cancel()
	if err := a.Campaign(ctx, "a"); err != nil {
		return fmt.Errorf("a campaign: %w", err)
	}
	obs := watcher.Observe(ctx)
	if err := expectLeader(obs, "a"); err != nil {
		return err
	}
	bWon := make(chan error, 1)
	go func() { bWon <- b.Campaign(ctx, "b") }()
	select {
	case err := <-bWon:
		return fmt.Errorf("b won while a leads (err %v)", err)
	case <-time.After(500 * time.Millisecond):
	}
	l, err := a.Leader(ctx)
	if err != nil || len(l.Kvs) != 1 || string(l.Kvs[0].Value) != "a" {
		return fmt.Errorf("leader while a leads: %v %v", l, err)
	}
	if err := a.Resign(ctx); err != nil {
		return fmt.Errorf("a resign: %w", err)
	}
	if err := <-bWon; err != nil {
		return fmt.Errorf("b campaign: %w", err)
	}
	if err := expectLeader(obs, "b"); err != nil {
		return err
	}
	l, err = watcher.Leader(ctx)
	if err != nil || len(l.Kvs) != 1 || string(l.Kvs[0].Value) != "b" {
		return fmt.Errorf("leader after a resigned: %v %v", l, err)
	}
	// A leader whose session ends (its lease revoked) hands over too.
	c, err := elect(0)
	if err != nil {
		return err
	}
	cWon := make(chan error, 1)
	go func() { cWon <- c.Campaign(ctx, "c") }()
	select {
	case err := <-cWon:
		return fmt.Errorf("c won while b leads (err %v)", err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := sessions[1].Close(); err != nil {
		return fmt.Errorf("closing b's session: %w", err)
	}
	if err := <-cWon; err != nil {
		return fmt.Errorf("c campaign: %w", err)
	}
	if err := expectLeader(obs, "c"); err != nil {
		return err
	}
	return c.Resign(ctx)
}

func expectLeader(obs <-chan clientv3.GetResponse, want string) error {
	timeout := time.After(30 * time.Second)
	for {
		select {
		case r, ok := <-obs:
			if !ok {
				return fmt.Errorf("observe closed while waiting for %q", want)
			}
			if len(r.Kvs) == 1 && string(r.Kvs[0].Value) == want {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("observer did not see %q lead", want)
		}
	}
}

// The isolation levels under which a read-modify-write of two keys stays consistent.
var isolations = []concurrency.Isolation{concurrency.SerializableSnapshot, concurrency.Serializable, concurrency.RepeatableReads}

// checkSTM: concurrent transfers between accounts, each in an STM transaction (each worker cycles
// through the isolation levels above), keep the total.
func checkSTM() error {
	const accounts, workers, transfers, initial = 5, 6, 8, 100
	cli, err := client(0)
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx, cancel := ctxFor(120 * time.Second)
	defer cancel()
	for i := 0; i < accounts; i++ {
		if _, err := cli.Put(ctx, fmt.Sprintf("/go/accts/%d", i), strconv.Itoa(initial)); err != nil {
			return err
		}
	}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			errs <- func() error {
				c, err := client(w)
				if err != nil {
					return err
				}
				defer c.Close()
				rng := rand.New(rand.NewSource(int64(w)))
				for t := 0; t < transfers; t++ {
					from, to := rng.Intn(accounts), rng.Intn(accounts)
					if from == to {
						continue
					}
					iso := isolations[(w+t)%len(isolations)]
					_, err := concurrency.NewSTM(c, func(stm concurrency.STM) error {
						fk, tk := fmt.Sprintf("/go/accts/%d", from), fmt.Sprintf("/go/accts/%d", to)
						fv, _ := strconv.Atoi(stm.Get(fk))
						tv, _ := strconv.Atoi(stm.Get(tk))
						x := fv / 2
						stm.Put(fk, strconv.Itoa(fv-x))
						stm.Put(tk, strconv.Itoa(tv+x))
						return nil
					}, concurrency.WithAbortContext(ctx), concurrency.WithIsolation(iso))
					if err != nil {
						return fmt.Errorf("stm: %w", err)
					}
				}
				return nil
			}()
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	resp, err := cli.Get(ctx, "/go/accts/", clientv3.WithPrefix())
	if err != nil {
		return err
	}
	sum := 0
	for _, kv := range resp.Kvs {
		v, _ := strconv.Atoi(string(kv.Value))
		sum += v
	}
	if len(resp.Kvs) != accounts || sum != accounts*initial {
		return fmt.Errorf("%d accounts hold %d, want %d accounts holding %d", len(resp.Kvs), sum, accounts, accounts*initial)
	}
	return nil
}

// checkWatch: a watch sees every put in order; a second one started at a past revision sees the
// same events from there on.
func checkWatch() error {
	const n = 50
	cli, err := client(1)
	if err != nil {
		return err
	}
	defer cli.Close()
	writer, err := client(2)
	if err != nil {
		return err
	}
	defer writer.Close()
	ctx, cancel := ctxFor(60 * time.Second)
	defer cancel()
	start, err := cli.Get(ctx, "/go/watch/")
	if err != nil {
		return err
	}
	from := start.Header.Revision + 1
	wch := cli.Watch(ctx, "/go/watch/", clientv3.WithPrefix(), clientv3.WithRev(from))
	revs := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		r, err := writer.Put(ctx, fmt.Sprintf("/go/watch/%d", i%7), strconv.Itoa(i))
		if err != nil {
			return err
		}
		revs = append(revs, r.Header.Revision)
	}
	if err := expectEvents(wch, revs, 0); err != nil {
		return fmt.Errorf("live watch: %w", err)
	}
	// Resume from the revision of the 20th put, as a client does after a disconnect.
	resumed := cli.Watch(ctx, "/go/watch/", clientv3.WithPrefix(), clientv3.WithRev(revs[20]))
	if err := expectEvents(resumed, revs[20:], 20); err != nil {
		return fmt.Errorf("resumed watch: %w", err)
	}

	// A delete, seen with the value it removed.
	pw := cli.Watch(ctx, "/go/watch/3", clientv3.WithPrevKV())
	del, err := writer.Delete(ctx, "/go/watch/3")
	if err != nil {
		return err
	}
	select {
	case resp := <-pw:
		if len(resp.Events) != 1 {
			return fmt.Errorf("delete watch: %d events", len(resp.Events))
		}
		ev := resp.Events[0]
		if ev.Type != clientv3.EventTypeDelete || ev.Kv.ModRevision != del.Header.Revision || ev.PrevKv == nil || string(ev.PrevKv.Value) != "45" {
			return fmt.Errorf("delete watch: %v %q at %d, prev %v", ev.Type, ev.Kv.Key, ev.Kv.ModRevision, ev.PrevKv)
		}
	case <-time.After(30 * time.Second):
		return fmt.Errorf("delete watch: no event")
	}

	// Resuming below the compaction point: the watch is cancelled with the compact revision.
	if _, err := writer.Compact(ctx, revs[30]); err != nil {
		return err
	}
	// The compaction was applied by the writer's member; a linearizable read through the
	// watcher's member waits until that member has applied it too (etcd has the same race).
	if _, err := cli.Get(ctx, "/go/watch/"); err != nil {
		return err
	}
	old := cli.Watch(ctx, "/go/watch/", clientv3.WithPrefix(), clientv3.WithRev(revs[10]))
	select {
	case resp, ok := <-old:
		if !ok || resp.CompactRevision != revs[30] || resp.Err() != rpctypes.ErrCompacted {
			return fmt.Errorf("watch from a compacted revision: compact revision %d, err %v (open %v), want %d and %v", resp.CompactRevision, resp.Err(), ok, revs[30], rpctypes.ErrCompacted)
		}
	case <-time.After(30 * time.Second):
		return fmt.Errorf("watch from a compacted revision: no answer")
	}
	return nil
}

// checkLease: a lease kept alive through a follower, its keys, its TTL, and once revoked the
// keep-alive reports it gone.
func checkLease() error {
	follower, err := client(1)
	if err != nil {
		return err
	}
	defer follower.Close()
	ctx, cancel := ctxFor(30 * time.Second)
	defer cancel()
	g, err := follower.Grant(ctx, 30)
	if err != nil {
		return err
	}
	if _, err := follower.Put(ctx, "/go/lease/k", "v", clientv3.WithLease(g.ID)); err != nil {
		return err
	}
	ka, err := follower.KeepAliveOnce(ctx, g.ID)
	if err != nil || ka.TTL != 30 {
		return fmt.Errorf("keep-alive: %v %v", ka, err)
	}
	ttl, err := follower.TimeToLive(ctx, g.ID, clientv3.WithAttachedKeys())
	if err != nil || ttl.GrantedTTL != 30 || len(ttl.Keys) != 1 || string(ttl.Keys[0]) != "/go/lease/k" {
		return fmt.Errorf("time to live: %v %v", ttl, err)
	}
	if _, err := follower.Revoke(ctx, g.ID); err != nil {
		return err
	}
	if _, err := follower.KeepAliveOnce(ctx, g.ID); err != rpctypes.ErrLeaseNotFound {
		return fmt.Errorf("keep-alive of a revoked lease: %v, want %v", err, rpctypes.ErrLeaseNotFound)
	}
	left, err := follower.Get(ctx, "/go/lease/k")
	if err != nil || len(left.Kvs) != 0 {
		return fmt.Errorf("the revoked lease's key: %v %v", left, err)
	}
	return nil
}

func expectEvents(wch clientv3.WatchChan, revs []int64, first int) error {
	i := 0
	timeout := time.After(30 * time.Second)
	for i < len(revs) {
		select {
		case resp, ok := <-wch:
			if !ok {
				return fmt.Errorf("closed after %d of %d events", i, len(revs))
			}
			if err := resp.Err(); err != nil {
				return err
			}
			for _, ev := range resp.Events {
				if i >= len(revs) {
					return fmt.Errorf("extra event at revision %d", ev.Kv.ModRevision)
				}
				seq := first + i
				wantKey, wantVal := fmt.Sprintf("/go/watch/%d", seq%7), strconv.Itoa(seq)
				if ev.Type != clientv3.EventTypePut || string(ev.Kv.Key) != wantKey || string(ev.Kv.Value) != wantVal || ev.Kv.ModRevision != revs[i] {
					return fmt.Errorf("event %d: %s %q=%q at %d, want PUT %q=%q at %d", i, ev.Type, ev.Kv.Key, ev.Kv.Value, ev.Kv.ModRevision, wantKey, wantVal, revs[i])
				}
				i++
			}
		case <-timeout:
			return fmt.Errorf("saw %d of %d events", i, len(revs))
		}
	}
	return nil
}

func clean() error {
	cli, err := client(0)
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx, cancel := ctxFor(10 * time.Second)
	defer cancel()
	_, err = cli.Delete(ctx, "/go/", clientv3.WithPrefix())
	return err
}

func main() {
	eps := flag.String("endpoints", "127.0.0.1:2379", "comma-separated client endpoints")
	flag.Parse()
	endpoints = strings.Split(*eps, ",")
	checks := []struct {
		name string
		run  func() error
	}{{"mutex", checkMutex}, {"election", checkElection}, {"stm", checkSTM}, {"watch", checkWatch}, {"lease", checkLease}}
	// A clean slate: the checks count keys and revisions under /go/.
	if err := clean(); err != nil {
		fmt.Printf("FAIL setup: %v\n", err)
		os.Exit(1)
	}
	failed := false
	for _, c := range checks {
		if err := c.run(); err != nil {
			fmt.Printf("FAIL %s: %v\n", c.name, err)
			failed = true
		} else {
			fmt.Printf("PASS %s\n", c.name)
		}
	}
	if failed {
		os.Exit(1)
	}
}
