# bench/why.py: cd to this directory and run gnuplot search-dirs.gp
if (!exists("png")) png = "search-dirs.png"
set terminal pngcairo noenhanced size 960,540 font "DejaVu Sans,11"
set output png
set datafile separator ","
set datafile columnheaders
set grid
set title "pynamic-mode-dlopen on the demo tree: RUNPATH directories (generator --search-dirs)"
set xlabel "directories in each library's RUNPATH"
set ylabel "milliseconds (median)"
set y2label "failed probes (fs.import.enoent)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set xrange [0:*]
set key top left
plot "search-dirs.csv" using 1:($2*1e3) with linespoints pt 7 lw 2 title "search_s (ld.so)", "" using 1:($3*1e3) with linespoints pt 5 title "map_s", "" using 1:6 axes x1y2 with linespoints pt 9 dt 2 title "failed probes (right axis)"
