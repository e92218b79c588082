{
  "targets": [
    {
      "target_name": "qed_tiny",
      "sources": ["qed_tiny.c"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "libraries": ["-lopenblas", "-lm", "-lpthread"],
      "cflags": ["-O3", "-march=native", "-ffast-math", "-std=c11", "-D_GNU_SOURCE"],
      "cflags!": ["-O2"]
    }
  ]
}
