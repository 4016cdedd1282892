# sgblk against null_blk and brd (fio, QD32) (icount); regenerate: cd plots && gnuplot pairs.gp
set terminal pngcairo noenhanced font 'sans,10' size 960,540
set output 'pairs.png'
set datafile missing 'NaN'
set key autotitle columnhead
set title "sgblk against null_blk and brd (fio, QD32)\n7.3.4+deb13-cloud-amd64, icount mode"
set grid ytics
DAT = 'pairs.dat'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics nomirror
set key top right
set ylabel 'kIOPS'
set yrange [0:*]
plot DAT using 2:xtic(1), DAT using 3, DAT using 4, DAT using 5
