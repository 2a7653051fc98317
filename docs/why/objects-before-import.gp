# bench/why.py: cd to this directory and run gnuplot objects-before-import.gp
if (!exists("png")) png = "objects-before-import.png"
set terminal pngcairo noenhanced size 960,540 font "DejaVu Sans,11"
set output png
set datafile separator ","
set datafile columnheaders
set grid
set title "libmodulebegin and every module dlopen'ed (RTLD_NOW | RTLD_LOCAL), demo tree"
set style data histograms
set style fill solid border -1
set boxwidth 0.6
set yrange [0:0.07394499999999998]
set ylabel "loop seconds (median)"
set key off
plot "objects-before-import.csv" using 3:xtic(sprintf("%s (%d objects before)", strcol(1), $2)) lc rgb "#1f77b4", "" using 0:($3):(sprintf("%.4f s", $3)) with labels offset 0,1 notitle
