# Issue 7: what one dependent phase boundary costs, a PDL kernel chain in a CUDA graph against a persistent kernel
# with a software grid barrier (bench/gpu/boundary/boundary_bench.cu). Decides whether a persistent decoder layer is
# worth writing. `bash bench/gpu/run.sh boundary` (the native build is not needed).
stage_boundary() {
  step "boundary: PDL chain vs grid barrier"
  nvcc -O3 -arch=sm_90 bench/gpu/boundary/boundary_bench.cu -o /tmp/boundary_bench || { status=1; return; }
  /tmp/boundary_bench 128 20 | tee "$RESULTS/boundary.txt"
}
