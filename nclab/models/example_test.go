package models_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/models"
)

// The fraction of trainable parameters a frozen ETF head with a K-channel
// last block saves (METHOD.md §7, paper: 20.7 %).
func ExampleParametersSaved() {
	backend, err := nclab.NewBackend()
	if err != nil {
		fmt.Println(err)
		return
	}
	saved, err := models.ParametersSaved(backend, models.Config{Arch: "resnet18", K: 10, Height: 28, Width: 28, Channels: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("ResNet18, 1-channel input, K = 10: %.1f %% fewer trainable parameters\n", 100*saved)
	// Output:
	// ResNet18, 1-channel input, K = 10: 20.7 % fewer trainable parameters
}
