# sgblk memory: MiB/s per profile and block size (icount); regenerate: cd plots && gnuplot profiles-mibs.gp
set terminal pngcairo noenhanced font 'sans,10' size 960,540
set output 'profiles-mibs.png'
set datafile missing 'NaN'
set key autotitle columnhead
set title "sgblk memory: MiB/s per profile and block size\n7.3.4+deb13-cloud-amd64, icount mode"
set grid ytics
DAT = 'profiles-mibs.dat'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics nomirror
set key top right
set ylabel 'MiB/s'
set yrange [0:*]
plot DAT using 2:xtic(1), DAT using 3, DAT using 4
