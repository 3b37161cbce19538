export { IMAGENET_CLASSES, imagenetLabelsFor, classCountOf } from './imagenetLabels';
