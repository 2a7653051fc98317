# bench/why.py: cd to this directory and run gnuplot relocations.gp
if (!exists("png")) png = "relocations.png"
set terminal pngcairo noenhanced size 960,540 font "DejaVu Sans,11"
set output png
set datafile separator ","
set datafile columnheaders
set grid
set terminal pngcairo noenhanced size 1100,540 font "DejaVu Sans,11"
set output png
set title "pynamic-mode-linked, before main: ld.so's counts (LD_DEBUG=statistics) against the ELF files"
set style data histograms
set style histogram clustered gap 1
set style fill solid border -1
set logscale y
set yrange [100:1e6]
set ylabel "count"
set key outside right top Left reverse
plot "relocations.csv" using 3:xtic(strcol(1)." tree, ".strcol(2)) title "ld.so: lookups" lc rgb "#1f77b4", "relocations.csv" using 6 title "predicted" lc rgb "#aec7e8", "relocations.csv" using 4 title "ld.so: from cache" lc rgb "#ff7f0e", "relocations.csv" using 7 title "predicted" lc rgb "#ffbb78", "relocations.csv" using 5 title "ld.so: relative" lc rgb "#2ca02c", "relocations.csv" using 10 title "predicted" lc rgb "#98df8a", "" using ($16+$17+$18+$19) title "report static: plt + dyn relocs" lc rgb "#7f7f7f"
