/*
 * report_html_assets.h - the inline style sheet and script of mqttspec's
 * pages: the HTML report (report_html*.c) and the comparison of runs
 * (report_compare.c), so the two look alike. No network, no fonts.
 */
#ifndef REPORT_HTML_ASSETS_H
#define REPORT_HTML_ASSETS_H

extern const char report_html_assets_css[];
extern const char report_html_assets_js[];

#endif
