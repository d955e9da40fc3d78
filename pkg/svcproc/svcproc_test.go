package svcproc

import (
	"net"
	"testing"
)

func TestFreeAddr(t *testing.T) {
	addr, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("address %s from FreeAddr is not usable: %v", addr, err)
	}
	l.Close()
}

func TestMemoryOfStoppedService(t *testing.T) {
	s := &Service{Name: "x"}
	if _, _, err := s.Memory(); err == nil {
		t.Fatal("Memory of a service that is not running must fail")
	}
}
