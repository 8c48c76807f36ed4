package tlog

import (
	"runtime/debug"
	"testing"
)

func TestStackInLog(t *testing.T) {
	t.Log(string(debug.Stack()))
	t.Fail()
}
