// lockelectcheck drives the server-side lock and election services (etcd 3.4's v3lockpb and
// v3electionpb gRPC clients, as `etcdctl lock`/`elect` do not use them) with contenders on
// different members. Each check prints "PASS <name>" or "FAIL <name>: <why>"; the exit status is 1
// when any check failed. Built in GOPATH mode against Debian's golang-etcd-server-dev (see
// test/cluster/go-lock-election.test.ts).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/etcdserver/api/v3election/v3electionpb"
	"go.etcd.io/etcd/etcdserver/api/v3lock/v3lockpb"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
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

// checkLock: contenders take the same lock through v3lockpb in turns, each under a lease of its
// own. Inside the lock each does a read-modify-write of a counter in two requests; mutual
// exclusion means no increment is lost and never more than one holder at a time.
func checkLock() error {
	const contenders, rounds = 4, 3
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
				locks := v3lockpb.NewLockClient(cli.ActiveConnection())
				ctx, cancel := ctxFor(60 * time.Second)
				defer cancel()
				lease, err := cli.Grant(ctx, 30)
				if err != nil {
					return err
				}
				defer cli.Revoke(context.Background(), lease.ID)
				for r := 0; r < rounds; r++ {
					l, err := locks.Lock(ctx, &v3lockpb.LockRequest{Name: []byte("/go/lock"), Lease: int64(lease.ID)})
					if err != nil {
						return fmt.Errorf("lock: %v", err)
					}
					if want := fmt.Sprintf("/go/lock/%x", lease.ID); string(l.Key) != want {
						return fmt.Errorf("lock key %q, want %q", l.Key, want)
					}
					if n := atomic.AddInt32(&holders, 1); n != 1 {
						return fmt.Errorf("%d holders at once", n)
					}
					g, err := cli.Get(ctx, "/go/lock-counter")
					if err != nil {
						return err
					}
					n := 0
					if len(g.Kvs) == 1 {
						n, _ = strconv.Atoi(string(g.Kvs[0].Value))
					}
					if _, err := cli.Put(ctx, "/go/lock-counter", strconv.Itoa(n+1)); err != nil {
						return err
					}
					atomic.AddInt32(&holders, -1)
					if _, err := locks.Unlock(ctx, &v3lockpb.UnlockRequest{Key: l.Key}); err != nil {
						return fmt.Errorf("unlock: %v", err)
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
	g, err := cli.Get(ctx, "/go/lock-counter")
	if err != nil {
		return err
	}
	if len(g.Kvs) != 1 || string(g.Kvs[0].Value) != strconv.Itoa(contenders*rounds) {
		return fmt.Errorf("counter %v, want %d", g.Kvs, contenders*rounds)
	}
	return nil
}

// checkLockRevoke: a waiter gets the lock once the holder's lease is revoked; a Lock without a
// lease gets one of its own.
func checkLockRevoke() error {
	a, err := client(0)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := client(1)
	if err != nil {
		return err
	}
	defer b.Close()
	ctx, cancel := ctxFor(30 * time.Second)
	defer cancel()
	la, err := a.Grant(ctx, 30)
	if err != nil {
		return err
	}
	if _, err := v3lockpb.NewLockClient(a.ActiveConnection()).Lock(ctx, &v3lockpb.LockRequest{Name: []byte("/go/revoke"), Lease: int64(la.ID)}); err != nil {
		return err
	}
	got := make(chan error, 1)
	var key []byte
	go func() {
		l, err := v3lockpb.NewLockClient(b.ActiveConnection()).Lock(ctx, &v3lockpb.LockRequest{Name: []byte("/go/revoke")})
		if err == nil {
			key = l.Key
		}
		got <- err
	}()
	// The waiter's key is there before the holder lets go.
	for {
		g, err := a.Get(ctx, "/go/revoke/", clientv3.WithPrefix(), clientv3.WithCountOnly())
		if err != nil {
			return err
		}
		if g.Count == 2 {
			break
		}
		select {
		case err := <-got:
			return fmt.Errorf("second Lock returned while the first held the lock: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if _, err := a.Revoke(ctx, la.ID); err != nil {
		return err
	}
	if err := <-got; err != nil {
		return fmt.Errorf("waiter: %v", err)
	}
	g, err := a.Get(ctx, string(key))
	if err != nil {
		return err
	}
	if len(g.Kvs) != 1 || g.Kvs[0].Lease == 0 || string(key) != fmt.Sprintf("/go/revoke/%x", g.Kvs[0].Lease) {
		return fmt.Errorf("waiter's key %q: %v", key, g.Kvs)
	}
	ttl, err := a.TimeToLive(ctx, clientv3.LeaseID(g.Kvs[0].Lease))
	if err != nil {
		return err
	}
	if ttl.GrantedTTL != 60 {
		return fmt.Errorf("own lease granted for %d s, want 60", ttl.GrantedTTL)
	}
	_, err = a.Revoke(ctx, clientv3.LeaseID(g.Kvs[0].Lease))
	return err
}

// checkLockTimeout: a Lock that times out while waiting leaves no key behind (etcd unlocks on a
// failed wait), and the holder keeps the lock.
func checkLockTimeout() error {
	a, err := client(0)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := client(1)
	if err != nil {
		return err
	}
	defer b.Close()
	ctx, cancel := ctxFor(30 * time.Second)
	defer cancel()
	la, err := a.Grant(ctx, 30)
	if err != nil {
		return err
	}
	defer a.Revoke(context.Background(), la.ID)
	lb, err := b.Grant(ctx, 30)
	if err != nil {
		return err
	}
	defer b.Revoke(context.Background(), lb.ID)
	if _, err := v3lockpb.NewLockClient(a.ActiveConnection()).Lock(ctx, &v3lockpb.LockRequest{Name: []byte("/go/timeout"), Lease: int64(la.ID)}); err != nil {
		return err
	}
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	_, err = v3lockpb.NewLockClient(b.ActiveConnection()).Lock(short, &v3lockpb.LockRequest{Name: []byte("/go/timeout"), Lease: int64(lb.ID)})
	if status.Code(err) != codes.DeadlineExceeded {
		return fmt.Errorf("Lock while held, with a deadline: %v", err)
	}
	for {
		g, err := a.Get(ctx, "/go/timeout/", clientv3.WithPrefix())
		if err != nil {
			return err
		}
		if len(g.Kvs) == 1 && string(g.Kvs[0].Key) == fmt.Sprintf("/go/timeout/%x", la.ID) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("keys after the timed-out Lock: %v", g.Kvs)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// checkElection: campaign, proclaim, a waiting campaigner, an observer on another member,
// resignations, and the errors etcd gives (code Unknown, etcd's messages).
func checkElection() error {
	clis := make([]*clientv3.Client, 3)
	for i := range clis {
		c, err := client(i)
		if err != nil {
			return err
		}
		defer c.Close()
		clis[i] = c
	}
	ctx, cancel := ctxFor(60 * time.Second)
	defer cancel()
	name := []byte("/go/elect")
	e0 := v3electionpb.NewElectionClient(clis[0].ActiveConnection())
	e1 := v3electionpb.NewElectionClient(clis[1].ActiveConnection())
	e2 := v3electionpb.NewElectionClient(clis[2].ActiveConnection())

	if _, err := e2.Leader(ctx, &v3electionpb.LeaderRequest{Name: name}); status.Code(err) != codes.Unknown || !strings.Contains(fmt.Sprint(err), "election: no leader") {
		return fmt.Errorf("Leader without one: %v", err)
	}
	if _, err := e2.Proclaim(ctx, &v3electionpb.ProclaimRequest{Value: []byte("x")}); status.Code(err) != codes.Unknown || !strings.Contains(fmt.Sprint(err), `"leader" field must be provided`) {
		return fmt.Errorf("Proclaim without a leader key: %v", err)
	}

	l0, err := clis[0].Grant(ctx, 30)
	if err != nil {
		return err
	}
	l1, err := clis[1].Grant(ctx, 30)
	if err != nil {
		return err
	}
	won, err := e0.Campaign(ctx, &v3electionpb.CampaignRequest{Name: name, Lease: int64(l0.ID), Value: []byte("a")})
	if err != nil {
		return err
	}
	if string(won.Leader.Key) != fmt.Sprintf("/go/elect/%x", l0.ID) || won.Leader.Rev != won.Header.Revision || won.Leader.Lease != int64(l0.ID) {
		return fmt.Errorf("leader key %+v at header revision %d", won.Leader, won.Header.Revision)
	}
	obsCtx, obsCancel := context.WithCancel(ctx)
	defer obsCancel()
	obs, err := e2.Observe(obsCtx, &v3electionpb.LeaderRequest{Name: name})
	if err != nil {
		return err
	}
	// Observing from another member once there is a leader: its value first, then every change.
	seen := make(chan string, 16)
	go func() {
		for {
			r, err := obs.Recv()
			if err != nil {
				close(seen)
				return
			}
			seen <- string(r.Kv.Value)
		}
	}()

	if v := <-seen; v != "a" {
		return fmt.Errorf("first observed %q, want a", v)
	}
	if _, err := e0.Proclaim(ctx, &v3electionpb.ProclaimRequest{Leader: won.Leader, Value: []byte("b")}); err != nil {
		return err
	}
	stale := *won.Leader
	stale.Rev--
	if _, err := e1.Proclaim(ctx, &v3electionpb.ProclaimRequest{Leader: &stale, Value: []byte("c")}); status.Code(err) != codes.Unknown || !strings.Contains(fmt.Sprint(err), "election: not leader") {
		return fmt.Errorf("Proclaim with a stale revision: %v", err)
	}

	second := make(chan error, 1)
	go func() {
		r, err := e1.Campaign(ctx, &v3electionpb.CampaignRequest{Name: name, Lease: int64(l1.ID), Value: []byte("z")})
		if err == nil && string(r.Leader.Key) != fmt.Sprintf("/go/elect/%x", l1.ID) {
			err = fmt.Errorf("second leader key %q", r.Leader.Key)
		}
		second <- err
	}()
	for {
		g, err := clis[0].Get(ctx, "/go/elect/", clientv3.WithPrefix(), clientv3.WithCountOnly())
		if err != nil {
			return err
		}
		if g.Count == 2 {
			break
		}
		select {
		case err := <-second:
			return fmt.Errorf("second Campaign returned while the first led: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if l, err := e2.Leader(ctx, &v3electionpb.LeaderRequest{Name: name}); err != nil || string(l.Kv.Value) != "b" {
		return fmt.Errorf("Leader: %v %v", l, err)
	}
	if _, err := e0.Resign(ctx, &v3electionpb.ResignRequest{Leader: won.Leader}); err != nil {
		return err
	}
	if err := <-second; err != nil {
		return fmt.Errorf("second campaigner: %v", err)
	}
	values := []string{"a"}
	for len(values) < 3 {
		select {
		case v, ok := <-seen:
			if !ok {
				return fmt.Errorf("observe ended after %v", values)
			}
			values = append(values, v)
		case <-ctx.Done():
			return fmt.Errorf("observed only %v", values)
		}
	}
	if strings.Join(values, ",") != "a,b,z" {
		return fmt.Errorf("observed %v, want [a b z]", values)
	}
	// Revoking the leader's lease ends its leadership.
	if _, err := clis[1].Revoke(ctx, l1.ID); err != nil {
		return err
	}
	if _, err := e2.Leader(ctx, &v3electionpb.LeaderRequest{Name: name}); !strings.Contains(fmt.Sprint(err), "election: no leader") {
		return fmt.Errorf("Leader after the lease was revoked: %v", err)
	}
	_, err = clis[0].Revoke(ctx, l0.ID)
	return err
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
	}{{"lock", checkLock}, {"lock-revoke", checkLockRevoke}, {"lock-timeout", checkLockTimeout}, {"election", checkElection}}
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
