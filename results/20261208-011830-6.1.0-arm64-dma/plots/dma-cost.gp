set terminal pngcairo size 900,500
set output "dma-cost.png"
set title "sgblk null on arm64: instructions per I/O (map=sg)"
set key top left
set ylabel "instructions per I/O"
set xlabel "block size"
set logscale y
set grid ytics
plot "dma-cost.dat" using 2:xtic(1) title columnheader with linespoints, "dma-cost.dat" using 3:xtic(1) title columnheader with linespoints, "dma-cost.dat" using 4:xtic(1) title columnheader with linespoints, "dma-cost.dat" using 5:xtic(1) title columnheader with linespoints, "dma-cost.dat" using 6:xtic(1) title columnheader with linespoints, "dma-cost.dat" using 7:xtic(1) title columnheader with linespoints, "dma-cost.dat" using 8:xtic(1) title columnheader with linespoints, "dma-cost.dat" using 9:xtic(1) title columnheader with linespoints
