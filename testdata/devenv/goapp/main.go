// A Go service with no Dockerfile: paved builds it into an image with no
// base image (a static binary on an empty image).
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "goapp %s\n", os.Getenv("GOAPP_VERSION"))
	})
	_ = http.ListenAndServe(":8080", nil)
}
