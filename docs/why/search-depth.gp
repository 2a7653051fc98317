# bench/why.py: cd to this directory and run gnuplot search-depth.gp
if (!exists("png")) png = "search-depth.png"
set terminal pngcairo noenhanced size 960,540 font "DejaVu Sans,11"
set output png
set datafile separator ","
set datafile columnheaders
set grid
set title "pynamic-mode-python on the demo tree: irrelevant sys.path entries (--search-depth)"
set xlabel "sys.path directories before the modules'"
set ylabel "milliseconds (median)"
set yrange [0:*]
set key center right
plot "search-depth.csv" using 1:($2*1e3) with linespoints pt 7 lw 2 title "search_s (ld.so)", "" using 1:($5*1e3) with linespoints pt 5 title "loader_s (all of ld.so)", "" using 1:($6*1e3) with linespoints pt 9 lw 2 title "interpreter_s (CPython)", "" using 1:($7*1e3) with linespoints pt 13 dt 2 title "import_s"
