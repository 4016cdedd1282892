set terminal pngcairo size 800,450
set output "dma-backends.png"
set title "Instructions per I/O the DMA backend adds (sgblk memory vs brd)"
set style data histograms
set style fill solid 0.8 border -1
set key top left
set ylabel "instructions per I/O vs direct"
set grid ytics
plot "dma-backends.dat" using 2:xtic(1) title columnheader, "" using 3 title columnheader
