// Command benchprovider is the provider binary the benchmark gives
// Terraform: main.go's provider, recording its CPU time (and, when asked, a
// CPU profile) at exit. See internal/bench.
package main

import (
	"log"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/bench"
)

func main() {
	if err := bench.ProviderMain(); err != nil {
		log.Fatal(err.Error())
	}
}
