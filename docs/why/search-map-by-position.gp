# bench/why.py: cd to this directory and run gnuplot search-map-by-position.gp
if (!exists("png")) png = "search-map-by-position.png"
set terminal pngcairo noenhanced size 960,540 font "DejaVu Sans,11"
set output png
set datafile separator ","
set datafile columnheaders
set grid
set terminal pngcairo noenhanced size 960,540
set output png
set multiplot layout 1,2
set key top left
set yrange [0:*]
set xlabel "position in load order"
set ylabel "its own search + map (us)"
set title "demo: 100 libraries (50 utilities, 50 modules)"
plot "load-each.csv" every ::0::101 using 2:(strcol(4) eq "utility" ? (($5+$6)*1e6) : NaN) with points pt 7 ps 0.5 lc rgb "#1f77b4" title "utility", "load-each.csv" every ::0::101 using 2:(strcol(4) eq "module" ? (($5+$6)*1e6) : NaN) with points pt 5 ps 0.5 lc rgb "#ff7f0e" title "module", "load-each.csv" every ::0::101 using 2:(strcol(4) eq "marker" ? (($5+$6)*1e6) : NaN) with points pt 9 ps 0.5 lc rgb "#2ca02c" title "marker"
set title "large: 300 libraries (150 utilities, 150 modules)"
plot "load-each.csv" every ::102::403 using 2:(strcol(4) eq "utility" ? (($5+$6)*1e6) : NaN) with points pt 7 ps 0.5 lc rgb "#1f77b4" title "utility", "load-each.csv" every ::102::403 using 2:(strcol(4) eq "module" ? (($5+$6)*1e6) : NaN) with points pt 5 ps 0.5 lc rgb "#ff7f0e" title "module", "load-each.csv" every ::102::403 using 2:(strcol(4) eq "marker" ? (($5+$6)*1e6) : NaN) with points pt 9 ps 0.5 lc rgb "#2ca02c" title "marker"
unset multiplot
