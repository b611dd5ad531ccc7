;; LSTM recurrence of one direction over one sequence, 128-bit SIMD (f32x4), for inference.
;; The detector's hot loop: in JS each step costs ~6 µs for 32 units (scalar dot products and five
;; transcendental calls per unit); here the recurrent product runs four gates' lanes at a time and the
;; gate nonlinearities use a vector exp. Assembled by scripts/build-lstm-kernel.ts into
;; lstm-kernel.wasm.ts (tests/model/lstm-kernel.test.ts checks the two agree).
;;
;; lstm(x, u, out, st, T, H, L, rev): byte addresses into this module's memory, all 16-byte aligned.
;;   x   [T][4H] f32  input projection x·W + b (Keras gate order i, f, c, o)
;;   u   [H][4H] f32  recurrent kernel
;;   out [T][H]  f32  hidden states; rows ≥ L are not written (the caller zeroes them)
;;   st  scratch: h [H], c [H], z [4H]
;;   L   real frames (≤ T); rev ≠ 0 runs t = L−1 … 0 (outputs stay aligned with input frames)
;;   H   a multiple of 4
;; z = x_t + Σ_j h_j·u_j accumulates in unit order in float32, each product rounded before the add:
;; the arithmetic of lstmSequence's forward pass.
(module
  (memory (export "memory") 1)

  ;; exp(x) for f32 lanes (Cephes expf: range reduction by ln 2, degree-6 polynomial, 2^n by exponent
  ;; bits). Relative error ≈ 2 ulp. x is clamped to [−87, 88] so 2^n stays a normal float; NaN stays NaN.
  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 88 88 88 88))
                             (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x)
                                            (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x)
                                        (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
                             (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r))
                                        (local.get $r))
                             (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
               (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127))
                          (i32.const 23))))

  ;; 1 / (1 + e^−x)
  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div (v128.const f32x4 1 1 1 1)
               (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp (f32x4.neg (local.get $x))))))

  ;; tanh x = 2·σ(2x) − 1 (absolute error ~1e−7 near 0, which is what the outputs are compared by)
  (func $tanh (param $x v128) (result v128)
    (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (call $sigmoid (f32x4.add (local.get $x) (local.get $x))))
               (v128.const f32x4 1 1 1 1)))

  (func (export "lstm")
    (param $x i32) (param $u i32) (param $out i32) (param $st i32)
    (param $T i32) (param $H i32) (param $L i32) (param $rev i32)
    (local $hb i32) (local $gb i32) (local $hp i32) (local $cp i32) (local $zp i32)
    (local $s i32) (local $t i32) (local $xo i32) (local $kb i32) (local $up i32) (local $uend i32)
    (local $jb i32) (local $hj v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))   ;; bytes of one H row
    (local.set $gb (i32.shl (local.get $hb) (i32.const 2)))  ;; bytes of one 4H row
    (local.set $hp (local.get $st))
    (local.set $cp (i32.add (local.get $st) (local.get $hb)))
    (local.set $zp (i32.add (local.get $cp) (local.get $hb)))
    ;; h = c = 0
    (local.set $jb (i32.const 0))
    (block $zdone (loop $zero
      (br_if $zdone (i32.ge_u (local.get $jb) (local.get $hb)))
      (v128.store (i32.add (local.get $hp) (local.get $jb)) (v128.const i32x4 0 0 0 0))
      (v128.store (i32.add (local.get $cp) (local.get $jb)) (v128.const i32x4 0 0 0 0))
      (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
      (br $zero)))
    (local.set $s (i32.const 0))
    (block $done (loop $step
      (br_if $done (i32.ge_s (local.get $s) (local.get $L)))
      (local.set $t (select (i32.sub (i32.sub (local.get $L) (i32.const 1)) (local.get $s)) (local.get $s) (local.get $rev)))
      (local.set $xo (i32.add (local.get $x) (i32.mul (local.get $t) (local.get $gb))))
      ;; z = x_t + h·U, sixteen gate columns at a time
      (local.set $kb (i32.const 0))
      (block $kdone (loop $kloop
        (br_if $kdone (i32.ge_u (local.get $kb) (local.get $gb)))
        (local.set $a0 (v128.load offset=0 (i32.add (local.get $xo) (local.get $kb))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $xo) (local.get $kb))))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $xo) (local.get $kb))))
        (local.set $a3 (v128.load offset=48 (i32.add (local.get $xo) (local.get $kb))))
        (local.set $up (i32.add (local.get $u) (local.get $kb)))
        (local.set $jb (local.get $hp))
        (local.set $uend (i32.add (local.get $hp) (local.get $hb)))
        (block $jdone (loop $jloop
          (br_if $jdone (i32.ge_u (local.get $jb) (local.get $uend)))
          (local.set $hj (f32x4.splat (f32.load (local.get $jb))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $hj) (v128.load offset=0 (local.get $up)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $hj) (v128.load offset=16 (local.get $up)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $hj) (v128.load offset=32 (local.get $up)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $hj) (v128.load offset=48 (local.get $up)))))
          (local.set $up (i32.add (local.get $up) (local.get $gb)))
          (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
          (br $jloop)))
        (v128.store offset=0 (i32.add (local.get $zp) (local.get $kb)) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $zp) (local.get $kb)) (local.get $a1))
        (v128.store offset=32 (i32.add (local.get $zp) (local.get $kb)) (local.get $a2))
        (v128.store offset=48 (i32.add (local.get $zp) (local.get $kb)) (local.get $a3))
        (local.set $kb (i32.add (local.get $kb) (i32.const 64)))
        (br $kloop)))
      ;; gates, four units at a time: c = σ(f)·c + σ(i)·tanh(g); h = σ(o)·tanh(c)
      (local.set $jb (i32.const 0))
      (block $gdone (loop $gloop
        (br_if $gdone (i32.ge_u (local.get $jb) (local.get $hb)))
        (local.set $i (call $sigmoid (v128.load (i32.add (local.get $zp) (local.get $jb)))))
        (local.set $f (call $sigmoid (v128.load (i32.add (i32.add (local.get $zp) (local.get $hb)) (local.get $jb)))))
        (local.set $g (call $tanh (v128.load (i32.add (i32.add (local.get $zp) (i32.shl (local.get $hb) (i32.const 1))) (local.get $jb)))))
        (local.set $o (call $sigmoid (v128.load (i32.add (i32.add (local.get $zp) (i32.mul (local.get $hb) (i32.const 3))) (local.get $jb)))))
        (local.set $c (f32x4.add (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $cp) (local.get $jb))))
                                 (f32x4.mul (local.get $i) (local.get $g))))
        (v128.store (i32.add (local.get $cp) (local.get $jb)) (local.get $c))
        (local.set $c (f32x4.mul (local.get $o) (call $tanh (local.get $c))))
        (v128.store (i32.add (local.get $hp) (local.get $jb)) (local.get $c))
        (v128.store (i32.add (i32.add (local.get $out) (i32.mul (local.get $t) (local.get $hb))) (local.get $jb)) (local.get $c))
        (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
        (br $gloop)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $step)))))
