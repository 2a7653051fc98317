# bench/why.py: cd to this directory and run gnuplot relocate-by-position.gp
if (!exists("png")) png = "relocate-by-position.png"
set terminal pngcairo noenhanced size 960,540 font "DejaVu Sans,11"
set output png
set datafile separator ","
set datafile columnheaders
set grid
set terminal pngcairo noenhanced size 960,780
set output png
set multiplot layout 2,2
set key top left
set yrange [0:*]
set xlabel "position in load order"
set ylabel "relocation + init of the library alone (us)"
set title "demo: 100 libraries (50 utilities, 50 modules)"
plot "load-each.csv" every ::0::101 using 2:(strcol(4) eq "utility" ? ($7*1e6) : NaN) with points pt 7 ps 0.5 lc rgb "#1f77b4" title "utility", "load-each.csv" every ::0::101 using 2:(strcol(4) eq "module" ? ($7*1e6) : NaN) with points pt 5 ps 0.5 lc rgb "#ff7f0e" title "module", "load-each.csv" every ::0::101 using 2:(strcol(4) eq "marker" ? ($7*1e6) : NaN) with points pt 9 ps 0.5 lc rgb "#2ca02c" title "marker", [0:49] 1.851787322929172 * x + 140.63343058823529 with lines lw 1.5 dt 2 lc rgb "black" title "fitted lines", [50:99] 7.75652168067227 * x + 166.24353478991608 with lines lw 1.5 dt 2 lc rgb "black" notitle
set title "large: 300 libraries (150 utilities, 150 modules)"
plot "load-each.csv" every ::102::403 using 2:(strcol(4) eq "utility" ? ($7*1e6) : NaN) with points pt 7 ps 0.5 lc rgb "#1f77b4" title "utility", "load-each.csv" every ::102::403 using 2:(strcol(4) eq "module" ? ($7*1e6) : NaN) with points pt 5 ps 0.5 lc rgb "#ff7f0e" title "module", "load-each.csv" every ::102::403 using 2:(strcol(4) eq "marker" ? ($7*1e6) : NaN) with points pt 9 ps 0.5 lc rgb "#2ca02c" title "marker", [0:149] 3.592223028579048 * x + 93.09225103752759 with lines lw 1.5 dt 2 lc rgb "black" title "fitted lines", [150:299] 7.41123053469043 * x + 475.585498295332 with lines lw 1.5 dt 2 lc rgb "black" notitle
set ylabel "the same per symbol lookup (ns)"
set title "demo: 100 libraries (50 utilities, 50 modules)"
plot "load-each.csv" every ::0::101 using 2:(strcol(4) eq "utility" ? ($13*1e9) : NaN) with points pt 7 ps 0.5 lc rgb "#1f77b4" title "utility", "load-each.csv" every ::0::101 using 2:(strcol(4) eq "module" ? ($13*1e9) : NaN) with points pt 5 ps 0.5 lc rgb "#ff7f0e" title "module", [0:49] 5.291586750080746 * x + 296.2468896261496 with lines lw 1.5 dt 2 lc rgb "black" title "fitted lines", [50:99] 4.411383626105897 * x + 427.51532140871774 with lines lw 1.5 dt 2 lc rgb "black" notitle
set title "large: 300 libraries (150 utilities, 150 modules)"
plot "load-each.csv" every ::102::403 using 2:(strcol(4) eq "utility" ? ($13*1e9) : NaN) with points pt 7 ps 0.5 lc rgb "#1f77b4" title "utility", "load-each.csv" every ::102::403 using 2:(strcol(4) eq "module" ? ($13*1e9) : NaN) with points pt 5 ps 0.5 lc rgb "#ff7f0e" title "module", [0:149] 7.896457465561454 * x + 215.736817495294 with lines lw 1.5 dt 2 lc rgb "black" title "fitted lines", [150:299] 7.9627566501749145 * x + 293.9028936173088 with lines lw 1.5 dt 2 lc rgb "black" notitle
unset multiplot
