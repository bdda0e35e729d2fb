// An apiserver-like webhook client for bench/first-requests.sh: Go's net/http (HTTP/2 over TLS, as
// kube-apiserver calls webhooks), sending one AdmissionReview at a fixed rate, each request on its
// own goroutine at its scheduled time so a slow answer does not delay the next (no coordinated
// omission). Prints the latency of each request, in milliseconds, one per line, in sending order.
//
//	client -url URL -body FILE -rate 200 -n 1000 [-http1]
package main

import (
	"bytes"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "", "the webhook URL")
	bodyFile := flag.String("body", "", "the AdmissionReview to send")
	rate := flag.Int("rate", 200, "requests per second")
	n := flag.Int("n", 1000, "requests to send")
	http1 := flag.Bool("http1", false, "HTTP/1.1 keep-alive instead of HTTP/2")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, // the bench server's self-signed certificate
		ForceAttemptHTTP2:   !*http1,
		MaxIdleConnsPerHost: 100,
	}
	if *http1 {
		transport.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	client := &http.Client{Transport: transport, Timeout: 60 * time.Second}
	// One request before the clock starts opens the connection (the apiserver holds one open).
	if err := post(client, *url, body); err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
	latencies := make([]float64, *n)
	failures := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(*rate)
	start := time.Now()
	for i := 0; i < *n; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sent := time.Now()
			err := post(client, *url, body)
			latencies[i] = float64(time.Since(sent).Microseconds()) / 1000
			if err != nil {
				mu.Lock()
				failures++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	for _, l := range latencies {
		fmt.Printf("%.3f\n", l)
	}
	if failures > 0 {
		fmt.Fprintf(os.Stderr, "%d requests failed\n", failures)
		os.Exit(1)
	}
}

func post(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
