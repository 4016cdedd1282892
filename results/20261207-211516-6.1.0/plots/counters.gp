# sgblk memory: what each profile costs the driver (icount); regenerate: cd plots && gnuplot counters.gp
set terminal pngcairo noenhanced font 'sans,10' size 960,540
set output 'counters.png'
set datafile missing 'NaN'
set key autotitle columnhead
set title "sgblk memory: what each profile costs the driver\n6.1.0-50-cloud-amd64, icount mode"
set grid ytics
DAT = 'counters.dat'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top left
set terminal pngcairo noenhanced font 'sans,10' size 960,720
set output 'counters.png'
set multiplot layout 2,1 title 'sgblk memory: what each profile costs the driver (6.1.0-50-cloud-amd64, icount mode)'
unset title
set ylabel 'bounced KiB per request'
set yrange [0:*]
plot DAT using 2:xtic(1) title '4k', DAT using 3 title '128k', DAT using 4 title '7k misal.'
set ylabel 'driver splits per request'
plot DAT using 5:xtic(1) title '4k', DAT using 6 title '128k', DAT using 7 title '7k misal.'
unset multiplot
