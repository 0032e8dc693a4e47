package consent
import ("testing";"math/rand/v2";"time";"fmt";"os")
func TestZZHang(t *testing.T){
 seed,_:=Seed().JSON()
 r:=rand.New(rand.NewPCG(1,2))
 for i:=0;i<20000;i++{
  d:=append([]byte(nil),seed...)
  for k:=0;k<1+r.IntN(4);k++{ switch r.IntN(3){ case 0: d[r.IntN(len(d))]=byte(r.IntN(256)); case 1: p:=r.IntN(len(d)); d=append(d[:p],d[p+1:]...); case 2: p:=r.IntN(len(d)); d=append(d[:p],append([]byte{byte(r.IntN(128))},d[p:]...)...)}}
  done:=make(chan bool)
  go func(){ ParseCatalogue(d); close(done)}()
  select{ case <-done: case <-time.After(3*time.Second): os.WriteFile("/tmp/scratch/hang.json",d,0644); t.Fatalf("hang at %d", i)}
 }
 fmt.Println("no hang")
}
