# sgblk memory: each profile's IOPS / profile none (icount); regenerate: cd plots && gnuplot profiles-ratio.gp
set terminal pngcairo noenhanced font 'sans,10' size 960,540
set output 'profiles-ratio.png'
set datafile missing 'NaN'
set key autotitle columnhead
set title "sgblk memory: each profile's IOPS / profile none\n7.3.4+deb13-cloud-amd64, icount mode"
set grid ytics
DAT = 'profiles-ratio.dat'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics nomirror
set key top right
set ylabel 'IOPS ratio to none'
set yrange [0:1.3]
set arrow from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 2 lc rgb 'red'
set arrow from graph 0, first 0.8 to graph 1, first 0.8 nohead dt 2 lc rgb 'dark-orange'
set label 'goal 4k: 0.5' at graph 0.005, first 0.52 tc rgb 'red' front
set label 'goal 128k: 0.8' at graph 0.005, first 0.82 tc rgb 'dark-orange' front
set key top left horizontal
plot DAT using 2:xtic(1), DAT using 3, DAT using 4
